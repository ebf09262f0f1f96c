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
# Examples that need a SIP peer (a registrar): built here with both
# checkers' flags, run by the interop suite (tests/interop/run.sh builds
# them with ASAN+UBSAN and runs them against kamailio).
needs_peer=" phone "

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
    gcc "${flags[@]}" "${sources[@]}" "$target/libsansip.so" -o "$out/$p-vg"
    echo "   built, not run here (needs a SIP peer)"
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
