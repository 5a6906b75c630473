#include "reclaim_flags.h"

#include <string>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {

Result<std::int64_t> reclaim_seconds(std::string_view text, std::string_view flag) {
  const Error usage =
      make_error(ErrorCode::invalid_argument,
                 std::string(flag) +
                     " takes a whole number of days, hours, minutes or seconds, such as 30d, " +
                     "12h, 90m or 5s; not '" + std::string(text) + "'");
  if (text.size() < 2 || text.size() > 10) return usage;
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return usage;
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
  const std::int64_t seconds = std::stoll(std::string(digits)) * unit;
  if (seconds == 0) return usage;
  // The server checks the upper bound, so its message names it.
  return seconds;
}

std::string reclaim_policy_text(const nlohmann::json& reclaim_after_seconds) {
  if (!reclaim_after_seconds.is_number_integer()) return "never frees idle seats";
  return "frees the seat of a machine with no check-in for more than " +
         duration_text(reclaim_after_seconds.get<std::int64_t>());
}

}  // namespace nodelock::cli
