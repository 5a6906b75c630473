// read_csv(): the audit module's RFC 4180 reader, which license imports and
// audit tools read outside files with.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nodelock/audit/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)nodelock::read_csv(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
