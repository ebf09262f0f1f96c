#!/usr/bin/env bash
# The C ABI's C programs (tests/c/*.c with harness.c, and examples/c/*.c)
# under the memory
# checkers, as .ci/run's C ABI step runs them:
#   1. gcc -fsanitize=address,undefined, linked with the static library
#      (libsansip.a): ASAN, UBSAN and LeakSanitizer on the C side and on
#      sansip's allocations (Rust uses the system allocator, which ASAN
#      intercepts; the Rust code itself is not instrumented);
#   2. valgrind --leak-check=full --errors-for-leak-kinds=definite, linked
#      with the shared library: invalid reads and writes and definite leaks
#      anywhere, the Rust side included.
# Any finding fails the script. Usage: bash tests/c/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --lib --features capi --quiet
target=$(cd "${CARGO_TARGET_DIR:-target}/debug" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# name:sources
programs=()
for f in tests/c/*.c; do
  name=$(basename "$f" .c)
  [ "$name" = harness ] || programs+=("$name:tests/c/harness.c $f")
done
for f in examples/c/*.c; do
  programs+=("$(basename "$f" .c):$f")
done
# Examples that need a SIP peer: built here with both checkers' flags and
# run as a pair on loopback UDP by phone_pair below (the interop suite also
# runs the ASAN+UBSAN build against kamailio).
needs_peer=" phone "

# phone_pair RUNNER... : two C phones on 127.0.0.1 (ports the system
# picks), each started through RUNNER (a checker, and the binary): bob
# answers; alice sends him a MESSAGE and calls him, hangs up, exits 0;
# bob exits 0 on SIGTERM. Fails on any exit status but 0 or missing line.
phone_pair() {
  local bob_log="$out/pair-bob.log" alice_log="$out/pair-alice.log" bob port i
  "$@" --aor sip:bob@127.0.0.1 --listen 127.0.0.1:0 --answer >"$bob_log" 2>&1 &
  bob=$!
  for i in $(seq 200); do
    port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$bob_log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$bob_log"; kill "$bob"; return 1; }
  "$@" --aor sip:alice@127.0.0.1 --listen 127.0.0.1:0 --hangup-after 0.2 \
    --message "sip:bob@127.0.0.1:$port" hi --call "sip:bob@127.0.0.1:$port" >"$alice_log" 2>&1 ||
    { cat "$alice_log" "$bob_log"; kill "$bob"; return 1; }
  kill -TERM "$bob"
  wait "$bob" || { cat "$bob_log"; return 1; }
  grep -q '^call-ended reason=local-hangup$' "$alice_log" || { cat "$alice_log"; return 1; }
  grep -q '^call-ended reason=remote-hangup$' "$bob_log" || { cat "$bob_log"; return 1; }
  grep -q '^message from=sip:alice@127.0.0.1 body=hi$' "$bob_log" || { cat "$bob_log"; return 1; }
}

flags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude)
# The static library's own dependencies (std needs them on Linux).
syslibs=(-lpthread -ldl -lm)

names=()
for entry in "${programs[@]}"; do
  p=${entry%%:*}
  read -r -a sources <<<"${entry#*:}"
  echo "== $p: ASAN+UBSAN"
  gcc "${flags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
    -fno-sanitize-recover=undefined \
    "${sources[@]}" "$target/libsansip.a" "${syslibs[@]}" -o "$out/$p-asan"
  if [[ $needs_peer == *" $p "* ]]; then
    gcc "${flags[@]}" "${sources[@]}" "$target/libsansip.so" -Wl,-rpath,"$target" -o "$out/$p-vg"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      phone_pair "$out/$p-asan"
    echo "== $p: valgrind (a pair on loopback)"
    phone_pair valgrind --quiet --error-exitcode=1 --leak-check=full \
      --errors-for-leak-kinds=definite "$out/$p-vg"
    names+=("$p")
    continue
  fi
  names+=("$p")
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/$p-asan" >"$out/$p-asan.log" 2>&1 || { cat "$out/$p-asan.log"; exit 1; }
  grep -q "$p: ok" "$out/$p-asan.log" || { cat "$out/$p-asan.log"; exit 1; }

  echo "== $p: valgrind"
  gcc "${flags[@]}" "${sources[@]}" "$target/libsansip.so" \
    -Wl,-rpath,"$target" -o "$out/$p-vg"
  valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    "$out/$p-vg" >"$out/$p-vg.log" 2>&1 || { cat "$out/$p-vg.log"; exit 1; }
  grep -q "$p: ok" "$out/$p-vg.log" || { cat "$out/$p-vg.log"; exit 1; }
done
echo "C ABI programs clean under ASAN+UBSAN and valgrind: ${names[*]}"
