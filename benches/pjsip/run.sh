#!/usr/bin/env bash
# sansip's parser against PJSIP's on the same corpus, same machine, same
# moment: issue 2's throughput goal is a ratio to PJSIP, and on a shared
# host msgs/s move by a third from one minute to the next, so a figure
# measured elsewhere or earlier says little. Each round pairs two runs
# taken seconds apart; the median of the rounds' ratios is the result.
#
#   bash benches/pjsip/run.sh [ROUNDS [SECS [DIR]]]     (default 5 2 benches/corpus)
#
# 1. Fetches PJSIP 2.14.1 as built into the PyPI wheel pjsua2-pybind11
#    0.1a3 (the wheel only carries the shared libraries; Python does not
#    run the bench) into $CARGO_TARGET_DIR/pjsip, once. PJSIP is GPL, so it
#    is fetched at bench time and never committed.
# 2. Builds benches/pjsip/pjsip_bench.c against it and parse_bench in
#    release.
# 3. For each mode (parse + five fields; the same + serialize) runs the two
#    alternately, ROUNDS times SECS seconds each, the order swapped every
#    round, prints every pair and the median of the per-round ratios
#    sansip/pjsip.
# Fails if a build fails or if either program skips a file of DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-5}
secs=${2:-2}
corpus=${3:-benches/corpus}
target=${CARGO_TARGET_DIR:-target}
pj=$target/pjsip

wheel=pjsua2_pybind11-0.1a3-cp310-cp310-manylinux_2_28_x86_64.whl
wheel_sha256=02911ca242f6e7bdba5747336c7cd2024cd91e1858bc2cc853be5253432ac5e8

if ! compgen -G "$pj/lib/libpjsip-[0-9a-f]*.so.2" >/dev/null; then
  mkdir -p "$pj/wheel" "$pj/lib"
  if [ ! -f "$pj/wheel/$wheel" ]; then
    pip download pjsua2-pybind11==0.1a3 --no-deps --only-binary=:all: \
      --python-version 3.10 --platform manylinux_2_28_x86_64 -d "$pj/wheel" --quiet
  fi
  echo "$wheel_sha256  $pj/wheel/$wheel" | sha256sum --check --quiet
  # The libraries (PJSIP's and the media ones libpjsip links to) sit in
  # one folder of the wheel; nothing else is needed.
  python3 - "$pj/wheel/$wheel" "$pj/lib" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name.startswith("pjsua2_pybind11.libs/") and not name.endswith("/"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as out:
                out.write(wheel.read(name))
PY
fi
lib=$(cd "$pj/lib" && pwd)
one() { # the single file matching a pattern in $lib (names carry a hash)
  local f
  f=$(cd "$lib" && compgen -G "$1") || true
  [ -n "$f" ] && [ "$(wc -l <<<"$f")" = 1 ] || { echo "run.sh: expected one $1 in $lib" >&2; return 1; }
  echo "$f"
}
pjsip=$(one 'libpjsip-[0-9a-f]*.so.2')
pjlib_util=$(one 'libpjlib-util-[0-9a-f]*.so.2')
pjlib=$(one 'libpj-[0-9a-f]*.so.2')

# An RPATH, not a RUNPATH: libpjsip finds its own dependencies (which
# carry no search path of their own) through the executable's.
gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic benches/pjsip/pjsip_bench.c \
  -o "$pj/pjsip_bench" -L"$lib" -l:"$pjsip" -l:"$pjlib_util" -l:"$pjlib" \
  -Wl,-rpath,"$lib" -Wl,--disable-new-dtags
cargo build --release --quiet --example parse_bench
sansip=$target/release/examples/parse_bench

err=$(mktemp)
trap 'rm -f "$err"' EXIT
# rate PROGRAM ARGS...: the msgs_per_sec a program prints; fails if it
# fails or says anything on stderr (a skipped file).
rate() {
  local out
  out=$("$@" 2>"$err") || { cat "$err" >&2; return 1; }
  if [ -s "$err" ]; then cat "$err" >&2; return 1; fi
  sed -n 's/.*msgs_per_sec=\([0-9]*\).*/\1/p' <<<"$out"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in fields roundtrip; do
  flag=()
  [ "$mode" = roundtrip ] && flag=(--roundtrip)
  ratios=()
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
      s=$(rate "$sansip" "$corpus" "$secs" "${flag[@]}")
      p=$(rate "$pj/pjsip_bench" "$corpus" "$secs" "${flag[@]}")
    else
      p=$(rate "$pj/pjsip_bench" "$corpus" "$secs" "${flag[@]}")
      s=$(rate "$sansip" "$corpus" "$secs" "${flag[@]}")
    fi
    ratio=$(awk -v s="$s" -v p="$p" 'BEGIN { printf "%.2f", s / p }')
    ratios+=("$ratio")
    echo "$mode round $r: sansip msgs_per_sec=$s pjsip msgs_per_sec=$p ratio=$ratio"
  done
  median=$(printf '%s\n' "${ratios[@]}" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "$mode: median sansip/pjsip = $median"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
