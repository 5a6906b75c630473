// LicenseKey::parse(): what a customer types. A key that parses prints as a
// text that parses back to the same key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nodelock/activation/license_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view typed(reinterpret_cast<const char*>(data), size);
  const auto key = nodelock::LicenseKey::parse(typed);
  if (!key) return 0;
  const auto again = nodelock::LicenseKey::parse(key->text());
  if (!again || *again != *key) std::abort();
  return 0;
}
