#include "address_sanitizer.h"

#if defined(NODELOCK_TEST_ADDRESS_SANITIZER)
#include <stdlib.h>

#include <string>

// Read by the AddressSanitizer runtime before main(); ASAN_OPTIONS still wins.
extern "C" const char* __asan_default_options() { return "verify_asan_link_order=0"; }

namespace {

// Every program a test starts (nodelock, nodelock-server) inherits umockdev's
// preload too, and reads only ASAN_OPTIONS, not this program's defaults.
[[maybe_unused]] const bool children_skip_link_order_check = [] {
  const char* inherited = getenv("ASAN_OPTIONS");
  std::string options = inherited != nullptr ? inherited : "";
  options += (options.empty() ? "" : ":") + std::string("verify_asan_link_order=0");
  return setenv("ASAN_OPTIONS", options.c_str(), 1) == 0;
}();

}  // namespace
#endif
