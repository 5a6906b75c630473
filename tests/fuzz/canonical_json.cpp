// parse_canonical(): strict canonical JSON. Whatever it accepts must be the
// one spelling canonical_json() writes for that value, so a document has
// exactly one byte string to sign.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nodelock/activation/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto value = nodelock::parse_canonical(text);
  if (!value) return 0;
  const auto written = nodelock::canonical_json(*value);
  if (!written || *written != text) std::abort();
  return 0;
}
