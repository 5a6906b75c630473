#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang under AddressSanitizer and
# UBSan, and runs each on a copy of its seed corpus, one after the other.
#   scripts/fuzz.sh                        every target for 30 seconds
#   scripts/fuzz.sh --seconds 600 csv      the csv target for 10 minutes
# New inputs go to a scratch directory (FUZZ_WORK, default build/fuzz/work), never
# into the repository's corpus. Exits non-zero when a target crashes, leaks or
# hangs, naming the input that did it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=30
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

bash scripts/setup.sh

build=build/fuzz
# -O1 and line tables: what libFuzzer's documentation recommends, and assertions
# stay on, since a failed one is a finding.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DNODELOCK_FUZZ=ON -DNODELOCK_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null
cmake --build "$build" -j2 --target nodelock_fuzz

work=${FUZZ_WORK:-$root/$build/work}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/fuzz_$target"
  if [ ! -x "$binary" ]; then
    echo "fuzz.sh: no target named $target (see tests/fuzz/corpus/)" >&2
    exit 2
  fi
  corpus="$work/$target/corpus"
  artifacts="$work/$target/artifacts"
  rm -rf "$work/$target"
  mkdir -p "$corpus" "$artifacts" "$work/$target/tmp"
  cp tests/fuzz/corpus/"$target"/* "$corpus"/
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
           -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "tests/fuzz/$target.dict" ] && options+=(-dict="tests/fuzz/$target.dict")
  echo "== fuzz_$target for ${seconds}s"
  if ! TMPDIR="$work/$target/tmp" "$binary" "${options[@]}" "$corpus" \
      >"$work/$target/log" 2>&1; then
    tail -n 40 "$work/$target/log" >&2
    echo "fuzz.sh: fuzz_$target failed; the input: $(ls -d "$artifacts"/* 2>/dev/null | head -n 1)" >&2
    failed+=("$target")
    continue
  fi
  grep -E '^stat::number_of_executed_units|^Done ' "$work/$target/log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds}s without a finding"
