#include "nodelock/crypto/utc_time.h"

#include <ctime>
#include <utility>

namespace nodelock {
namespace {

std::string utc_text(std::int64_t unix_time, const char* format) {
  const std::time_t time = static_cast<std::time_t>(unix_time);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, format, &parts);
  return text;
}

}  // namespace

std::string utc_date(std::int64_t unix_time) { return utc_text(unix_time, "%Y-%m-%d"); }

std::string utc_timestamp(std::int64_t unix_time) {
  return utc_text(unix_time, "%Y-%m-%dT%H:%M:%SZ");
}

std::string duration_text(std::int64_t seconds) {
  constexpr std::pair<std::int64_t, const char*> kUnits[] = {
      {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  for (const auto& [length, unit] : kUnits) {
    const std::int64_t count = seconds / length;
    if (count >= 1 || length == 1) {
      return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
    }
  }
  return {};
}

}  // namespace nodelock
