#include "record_time.h"

#include <string>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

constexpr std::int64_t kEarliestTime = 946684800;  // 2000-01-01
// A spreadsheet counts days from 1899-12-30: day 25569 is 1970-01-01, day
// 2958465 is 9999-12-31, the last it shows.
constexpr std::int64_t kSerialDayOfEpoch = 25569;
constexpr std::int64_t kLastSerialDay = 2958465;
constexpr std::int64_t kSecondsPerDay = 86400;

Error refused(std::string_view name, const std::string& why) {
  return make_error(ErrorCode::invalid_argument,
                    std::string(name) + " " + why + "; write a date as YYYY-MM-DD (2027-12-31), " +
                        "the end of that day UTC, or give unix seconds (1830297599)");
}

}  // namespace

Result<UnixTime> read_record_time(const nlohmann::json& value, std::string_view name) {
  std::int64_t seconds = 0;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.find('/') != std::string::npos) {
      return refused(
          name, "'" + text.substr(0, 40) + "' is ambiguous: day/month/year or month/day/year?");
    }
    auto time = parse_time_or_date(text, name);
    if (!time.ok()) return time.error();
    if (time->is_date) return end_of_utc_day(time->unix_time);
    seconds = time->unix_time;
  } else if (value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
             value.get<std::int64_t>() <= kLatestUnixTime) {
    seconds = value.get<std::int64_t>();
  } else {
    return refused(name, "takes a date or unix seconds, not " + value.dump().substr(0, 40));
  }
  if (seconds >= kEarliestTime) return seconds;
  if (seconds > kSerialDayOfEpoch && seconds <= kLastSerialDay) {
    const std::string day = utc_date((seconds - kSerialDayOfEpoch) * kSecondsPerDay);
    return refused(name, std::to_string(seconds) + " looks like a spreadsheet's day number, for " +
                             day +
                             ", not unix seconds (which would be a time in 1970): format the "
                             "date column as text");
  }
  return refused(name, std::to_string(seconds) + " is a unix time before 2000 (" +
                           utc_date(seconds) + "), no license's date");
}

}  // namespace nodelock::server
