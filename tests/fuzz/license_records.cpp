// read_license_records(): a license import file. The first byte picks the
// format (even: CSV, odd: JSON), the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "license_records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto format =
      data[0] % 2 == 0 ? nodelock::server::RecordFormat::csv : nodelock::server::RecordFormat::json;
  (void)nodelock::server::read_license_records(
      std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), format);
  return 0;
}
