// Times as people read and write them in messages, listings, file headers and
// flags: always UTC, so a support engineer on the phone and a machine in
// another time zone name the same day.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock {

// "2026-12-01" for unix seconds `unix_time`.
std::string utc_date(std::int64_t unix_time);

// "2026-12-01T19:14:37Z" (ISO 8601) for unix seconds `unix_time`.
std::string utc_timestamp(std::int64_t unix_time);

// A span of time in its largest whole unit, rounded down: "31 days", "1 hour",
// "5 seconds". For messages such as "no check-in for 31 days".
std::string duration_text(std::int64_t seconds);

// The last second a date below can name, 9999-12-31T23:59:59Z: the bound of
// every time given in unix seconds, so a time and a date cover the same span.
inline constexpr std::int64_t kLatestUnixTime = 253402300799;

// The last second of the UTC day that starts at `first_second`: a date that
// ends a term means all of that day, so a license that "expires 2026-12-31"
// runs until 2026-12-31T23:59:59Z and is shown as expiring on 2026-12-31.
inline constexpr std::int64_t end_of_utc_day(std::int64_t first_second) {
  return first_second + 24 * 3600 - 1;
}

// The first second of the UTC day `text` names, "YYYY-MM-DD" from 1970-01-01
// to 9999-12-31. invalid_argument naming `name` for anything else, a day no
// calendar has (2026-02-30) included.
[[nodiscard]] Result<std::int64_t> parse_utc_date(std::string_view text, std::string_view name);

// A time as flags and queries take it: unix seconds, or a UTC day whose
// meaning (its first second, or the end of it) the caller decides.
struct TimeOrDate {
  std::int64_t unix_time = 0;  // for a date, the first second of that day
  bool is_date = false;
};

// `text` as unix seconds (0 to kLatestUnixTime) or a date "YYYY-MM-DD";
// invalid_argument naming `name`, what was given and what is accepted.
[[nodiscard]] Result<TimeOrDate> parse_time_or_date(std::string_view text, std::string_view name);

}  // namespace nodelock
