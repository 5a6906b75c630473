#!/usr/bin/env bash
# Installs the dependencies, configures, builds with -j2 and runs the whole test suite.
#   scripts/test.sh                            Crypto++ backend (the default)
#   scripts/test.sh --crypto openssl           the OpenSSL backend
#   scripts/test.sh --sanitize                 the suite under AddressSanitizer + UBSan
#   scripts/test.sh --crypto openssl --sanitize  both at once (what CI runs second)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

crypto=cryptopp
sanitize=OFF
while [ $# -gt 0 ]; do
  case "$1" in
    --crypto) crypto="$2"; shift 2 ;;
    --sanitize) sanitize=ON; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh

build="build/${crypto}"
[ "$sanitize" = ON ] && build="${build}-sanitize"
# Line tables (-g1) are all a failing test's backtrace needs, and they compile in
# two thirds of the time full debug information takes.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNODELOCK_CRYPTO="$crypto" \
  -DNODELOCK_SANITIZE="$sanitize" -DNODELOCK_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
cmake --build "$build" -j2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" -j2 --output-on-failure --timeout 600
