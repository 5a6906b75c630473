#include "reclaim_flags.h"

#include <string>

#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {

Result<std::int64_t> reclaim_seconds(std::string_view text, std::string_view flag) {
  const Error usage =
      make_error(ErrorCode::invalid_argument,
                 std::string(flag) +
                     " takes a whole number of days, hours, minutes or seconds, such as 30d, " +
                     "12h, 90m or 5s; not '" + std::string(text) + "'");
  // Nine digits of days still fit in 64-bit seconds; the server's bound is lower.
  constexpr std::int64_t kMostUnits = 999999999;
  if (text.empty()) return usage;
  const auto count = parse_whole_number(text.substr(0, text.size() - 1), flag, 1, kMostUnits);
  if (!count.ok()) return usage;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      return usage;
  }
  // The server checks the upper bound, so its message names it.
  return *count * unit;
}

std::string reclaim_policy_text(const nlohmann::json& reclaim_after_seconds) {
  if (!reclaim_after_seconds.is_number_integer()) return "never frees idle seats";
  return "frees the seat of a machine with no check-in for more than " +
         duration_text(reclaim_after_seconds.get<std::int64_t>());
}

}  // namespace nodelock::cli
