#!/usr/bin/env bash
# usage: run.sh BUILD_DIR CONSUMER_SOURCE_DIR [COMPILER_AND_LINKER_FLAGS]
set -euo pipefail
build=$1
source=$2
flags=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/nodelock"
test -f "$work/prefix/include/nodelock/activation/verifier.h"

cmake -S "$source" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/build" -j2 >/dev/null
# With no license installed, the consumer's Verifier must answer not_activated.
output=$("$work/build/consumer" "$work/empty-store")
echo "$output"
[ "$output" = "not_activated" ]
