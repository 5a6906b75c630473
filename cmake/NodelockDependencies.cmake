# Every dependency is a Debian package (scripts/setup.sh installs them); nothing is
# downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)

# Crypto++ ships no CMake config on Debian.
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET GLOBAL libcrypto++>=8.7)
# Debian's cpp-httplib is a compiled library built with OpenSSL, zlib and brotli
# support; its pkg-config target carries those compile definitions, and a consumer
# compiled without them sees a different class layout and crashes at run time.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib>=0.11)
pkg_check_modules(LIBUSB REQUIRED IMPORTED_TARGET GLOBAL libusb-1.0)

if(NODELOCK_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # Tests parse the SVG usage chart with a real XML parser.
  find_package(EXPAT REQUIRED)
  find_package(benchmark QUIET)
  pkg_check_modules(UMOCKDEV IMPORTED_TARGET GLOBAL umockdev-1.0)
endif()
