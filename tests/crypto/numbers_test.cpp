// parse_whole_number: the one reader of numbers people type. Each test names
// a kind of input it must refuse (or accept) wherever a number is read.
#include "nodelock/crypto/numbers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace nodelock {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

bool refused(std::string_view text, std::int64_t min = 0, std::int64_t max = 100000) {
  const auto number = parse_whole_number(text, "--seats", min, max);
  return !number.ok() && number.code() == ErrorCode::invalid_argument;
}

TEST(WholeNumber, ReadsDecimalDigitsWithinTheBounds) {
  EXPECT_EQ(*parse_whole_number("5", "--seats", 1, 100000), 5);
  EXPECT_EQ(*parse_whole_number("100000", "--seats", 1, 100000), 100000);
  EXPECT_EQ(*parse_whole_number("1", "--seats", 1, 100000), 1);
  EXPECT_EQ(*parse_whole_number("0", "--grace-seats", 0, 10), 0);
  EXPECT_EQ(*parse_whole_number("9223372036854775807", "n", 0, kInt64Max), kInt64Max);
}

TEST(WholeNumber, EmptyTextIsRefused) { EXPECT_TRUE(refused("")); }

TEST(WholeNumber, SignsAreRefusedWhenTheRangeHasNoNegatives) {
  EXPECT_TRUE(refused("-1"));
  EXPECT_TRUE(refused("-0"));
  EXPECT_TRUE(refused("+5"));
  EXPECT_TRUE(refused("-"));
}

TEST(WholeNumber, AMinusIsReadOnlyWhenTheRangeAdmitsNegatives) {
  EXPECT_EQ(*parse_whole_number("-5", "offset", -10, 10), -5);
  EXPECT_EQ(*parse_whole_number("-9223372036854775808", "n", kInt64Min, 0), kInt64Min);
  EXPECT_TRUE(refused("+5", -10, 10));
  EXPECT_TRUE(refused("--5", -10, 10));
  EXPECT_TRUE(refused("-11", -10, 10));
}

TEST(WholeNumber, WhiteSpaceAnywhereIsRefused) {
  for (const char* text : {" 5", "5 ", " 5 ", "\t5", "5\n", "1 000", "\v5", "5\r"}) {
    EXPECT_TRUE(refused(text)) << '[' << text << ']';
  }
}

TEST(WholeNumber, TrailingJunkIsRefused) {
  for (const char* text : {"5x", "5.0", "5.", "1e3", "0x10", "5,000", "5_000", "5d", "12abc"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
  EXPECT_TRUE(refused(std::string("5\0", 2)));
}

TEST(WholeNumber, NonNumbersAreRefused) {
  for (const char* text : {"x", "five", ".5", "e3", "inf", "nan", "0b101"}) {
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(WholeNumber, NumbersBeyondInt64AreRefusedNotWrapped) {
  EXPECT_TRUE(refused("99999999999999999999", 0, kInt64Max));
  EXPECT_TRUE(refused("9223372036854775808", 0, kInt64Max));
  EXPECT_TRUE(refused("18446744073709551616", 0, kInt64Max));
  EXPECT_TRUE(refused("-9223372036854775809", kInt64Min, 0));
  EXPECT_TRUE(refused(std::string(4096, '9'), 0, kInt64Max));
}

TEST(WholeNumber, JustOutsideEachBoundIsRefused) {
  EXPECT_TRUE(refused("0", 1, 100000));
  EXPECT_TRUE(refused("100001", 1, 100000));
  EXPECT_TRUE(refused("65536", 0, 65535));
  EXPECT_TRUE(refused("9", 10, 86400));
  EXPECT_TRUE(refused("86401", 10, 86400));
  EXPECT_FALSE(refused("65535", 0, 65535));
  EXPECT_FALSE(refused("10", 10, 86400));
}

TEST(WholeNumber, LeadingZerosAreReadAsDecimal) {
  EXPECT_EQ(*parse_whole_number("010", "--seats", 0, 100), 10);
  EXPECT_EQ(*parse_whole_number("0008", "--seats", 0, 100), 8);
  EXPECT_EQ(*parse_whole_number("00", "--seats", 0, 100), 0);
  EXPECT_TRUE(refused("0101", 0, 100));
}

TEST(WholeNumber, NonAsciiDigitsAreRefused) {
  for (const char* text : {"\xef\xbc\x95",  // FULLWIDTH DIGIT FIVE
                           "\xd9\xa5",      // ARABIC-INDIC DIGIT FIVE
                           "\xe0\xa5\xab",  // DEVANAGARI DIGIT FIVE
                           "5\xc2\xa0",     // 5 and a no-break space
                           "\xe2\x81\xb5",  // SUPERSCRIPT FIVE
                           "1\xe2\x80\x8b"
                           "0"}) {  // a zero-width space between digits
    EXPECT_TRUE(refused(text)) << text;
  }
}

TEST(WholeNumber, TheMessageNamesTheFlagWhatWasGivenAndWhatIsAccepted) {
  const auto number = parse_whole_number("5x", "--seats", 1, 100000);
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.message(), "--seats takes a whole number from 1 to 100000; got '5x'.");
}

TEST(WholeNumber, TheMessageShowsOddBytesEscapedAndLongTextCut) {
  const auto control = parse_whole_number("5\n\xff", "limit", 1, 1000);
  EXPECT_EQ(control.message(), "limit takes a whole number from 1 to 1000; got '5\\x0a\\xff'.");
  const auto long_text = parse_whole_number(std::string(100, '9'), "limit", 1, 1000);
  EXPECT_NE(long_text.message().find("got '" + std::string(40, '9') + "...'."), std::string::npos)
      << long_text.message();
}

}  // namespace
}  // namespace nodelock
