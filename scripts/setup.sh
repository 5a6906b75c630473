#!/usr/bin/env bash
# Installs every Debian package nodelock needs to build, test and benchmark.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev openssl            # TLS, the second crypto backend, test certificates
  libcrypto++-dev               # the default crypto backend
  libcpp-httplib-dev            # server and client HTTP(S)
  nlohmann-json3-dev            # every JSON document
  libusb-1.0-0-dev              # dongles
  libsqlite3-dev                # the server's embedded store
  postgresql libpq-dev          # the shared store for several server instances
  libgtest-dev libgmock-dev     # tests
  libexpat1-dev                 # tests: the SVG usage chart parses as XML
  libbenchmark-dev wrk          # benchmarks
  umockdev libumockdev-dev      # emulated USB devices for real libusb in tests
  iproute2 util-linux procps    # network namespaces (unshare) and process control in tests
  clang libclang-rt-14-dev      # scripts/fuzz.sh: libFuzzer and clang's sanitizer runtimes
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
