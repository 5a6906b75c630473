// parse_utc_date and parse_time_or_date: the dates and times people give to
// --expires, --maintenance-end, --from and --to, and the server's fields.
#include <gtest/gtest.h>

#include <string>

#include "nodelock/crypto/utc_time.h"

namespace nodelock {
namespace {

bool refused_date(std::string_view text) {
  const auto day = parse_utc_date(text, "--expires");
  return !day.ok() && day.code() == ErrorCode::invalid_argument;
}

TEST(UtcDate, ReadsADayAsItsFirstSecond) {
  EXPECT_EQ(*parse_utc_date("1970-01-01", "d"), 0);
  EXPECT_EQ(*parse_utc_date("2026-12-01", "d"), 1796083200);
  EXPECT_EQ(*parse_utc_date("2024-02-29", "d"), 1709164800);
  EXPECT_EQ(*parse_utc_date("2000-02-29", "d"), 951782400);
  EXPECT_EQ(*parse_utc_date("9999-12-31", "d"), kLatestUnixTime - 86399);
}

TEST(UtcDate, EveryDayReadsBackAsTheDateWritten) {
  for (std::int64_t day = 0; day < 60000; day += 7) {
    const std::string text = utc_date(day * 86400);
    EXPECT_EQ(*parse_utc_date(text, "d"), day * 86400) << text;
  }
}

TEST(UtcDate, DaysNoCalendarHasAreRefused) {
  for (const char* text : {"2026-02-29", "2026-02-30", "2100-02-29", "2026-04-31", "2026-13-01",
                           "2026-00-10", "2026-01-00", "2026-01-32"}) {
    EXPECT_TRUE(refused_date(text)) << text;
  }
}

TEST(UtcDate, OtherShapesAreRefused) {
  for (const char* text :
       {"", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "20260101", " 2026-01-01",
        "2026-01-01 ", "2026-01-01T00:00:00Z", "+2026-01-01", "2026-+1-01", "2026--1-01",
        "2026-01-0x", "１９７０-01-01", "1969-12-31", "0000-01-01", "99999-01-01"}) {
    EXPECT_TRUE(refused_date(text)) << text;
  }
}

TEST(UtcDate, TheMessageNamesTheFlagAndTheAcceptedForm) {
  EXPECT_EQ(parse_utc_date("2026-02-30", "--expires").message(),
            "--expires takes a date YYYY-MM-DD from 1970-01-01 to 9999-12-31; got '2026-02-30'.");
}

TEST(TimeOrDate, ReadsUnixSecondsOrADate) {
  const auto seconds = parse_time_or_date("1767225600", "--from");
  ASSERT_TRUE(seconds.ok());
  EXPECT_FALSE(seconds->is_date);
  EXPECT_EQ(seconds->unix_time, 1767225600);
  const auto date = parse_time_or_date("2026-01-01", "--from");
  ASSERT_TRUE(date.ok());
  EXPECT_TRUE(date->is_date);
  EXPECT_EQ(date->unix_time, 1767225600);
  EXPECT_EQ(parse_time_or_date(std::to_string(kLatestUnixTime), "t")->unix_time, kLatestUnixTime);
}

TEST(TimeOrDate, RefusesWhatIsNeither) {
  for (const char* text : {"", "-1", "99999999999999999999", "253402300800", "1e9", "tomorrow",
                           "2026-02-30", "12 ", "0x10"}) {
    const auto time = parse_time_or_date(text, "--expires");
    ASSERT_FALSE(time.ok()) << text;
    EXPECT_EQ(time.code(), ErrorCode::invalid_argument) << text;
  }
  EXPECT_EQ(parse_time_or_date("soon", "--to").message(),
            "--to takes a date YYYY-MM-DD or unix seconds from 0 to 253402300799; got 'soon'.");
}

}  // namespace
}  // namespace nodelock
