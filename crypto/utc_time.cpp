#include "nodelock/crypto/utc_time.h"

#include <charconv>
#include <ctime>
#include <utility>

#include "nodelock/crypto/numbers.h"
#include "shown_input.h"

namespace nodelock {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::string utc_text(std::int64_t unix_time, const char* format) {
  const std::time_t time = static_cast<std::time_t>(unix_time);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, format, &parts);
  return text;
}

// The `width` ASCII digits at `at` of `text`, or -1.
int fixed_digits(std::string_view text, std::size_t at, std::size_t width) {
  int value = 0;
  const char* const end = text.data() + at + width;
  const auto [stop, problem] = std::from_chars(text.data() + at, end, value);
  return problem == std::errc{} && stop == end && text[at] != '-' ? value : -1;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's
// days_from_civil), computed rather than left to timegm, which normalises
// 2026-02-30 to March 2 and depends on the width of time_t.
std::int64_t days_since_epoch(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int era = year / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return std::int64_t{era} * 146097 + day_of_era - 719468;
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

Result<std::int64_t> parse_utc_date(std::string_view text, std::string_view name) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    const int year = fixed_digits(text, 0, 4);
    const int month = fixed_digits(text, 5, 2);
    const int day = fixed_digits(text, 8, 2);
    if (year >= 1970 && month >= 1 && month <= 12 && day >= 1 &&
        day <= days_in_month(year, month)) {
      return days_since_epoch(year, month, day) * kSecondsPerDay;
    }
  }
  return make_error(ErrorCode::invalid_argument,
                    std::string(name) +
                        " takes a date YYYY-MM-DD from 1970-01-01 to 9999-12-31; got " +
                        shown_input(text) + ".");
}

Result<TimeOrDate> parse_time_or_date(std::string_view text, std::string_view name) {
  if (text.find('-') != std::string_view::npos) {
    auto day = parse_utc_date(text, name);
    if (day.ok()) return TimeOrDate{*day, true};
  } else if (auto seconds = parse_whole_number(text, name, 0, kLatestUnixTime); seconds.ok()) {
    return TimeOrDate{*seconds, false};
  }
  return make_error(ErrorCode::invalid_argument,
                    std::string(name) + " takes a date YYYY-MM-DD or unix seconds from 0 to " +
                        std::to_string(kLatestUnixTime) + "; got " + shown_input(text) + ".");
}

}  // namespace nodelock
