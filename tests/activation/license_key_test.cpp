#include "nodelock/activation/license_key.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace nodelock {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string symbols_of(const LicenseKey& key) {
  std::string symbols;
  for (const char c : key.text()) {
    if (c != '-') symbols.push_back(c);
  }
  return symbols;
}

void expect_invalid(std::string_view typed, const std::string& message) {
  auto key = LicenseKey::parse(typed);
  ASSERT_FALSE(key.ok()) << typed;
  EXPECT_EQ(key.code(), ErrorCode::invalid_key);
  EXPECT_EQ(key.message(), message) << typed;
}

TEST(LicenseKey, TenThousandGeneratedKeysRoundTripThroughTheirText) {
  std::set<std::string> seen;
  for (int n = 0; n < 10000; ++n) {
    const LicenseKey key = LicenseKey::generate();
    const std::string text = key.text();
    ASSERT_EQ(text.size(), 29u);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i % 6 == 5) {
        ASSERT_EQ(text[i], '-') << text;
      } else {
        ASSERT_NE(kAlphabet.find(text[i]), std::string_view::npos) << text;
      }
    }
    EXPECT_EQ(key.last_group(), text.substr(24));
    auto parsed = LicenseKey::parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.message();
    EXPECT_EQ(*parsed, key);
    EXPECT_EQ(parsed->bytes(), key.bytes());
    EXPECT_EQ(parsed->text(), text);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(LicenseKey, MatchesTheSpecifiedCheckSymbolAndBitOrder) {
  auto key = LicenseKey::parse("04106-1050R-3GG28-A1C60-T3GF5");
  ASSERT_TRUE(key.ok()) << key.message();
  const std::array<std::uint8_t, 15> expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  EXPECT_EQ(key->bytes(), expected);
  EXPECT_EQ(key->last_group(), "T3GF5");
  EXPECT_TRUE(LicenseKey::parse("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZ6").ok());
  EXPECT_TRUE(LicenseKey::parse("00000-00000-00000-00000-00000").ok());
  EXPECT_FALSE(LicenseKey::parse("04106-1050R-3GG28-A1C60-T3GF4").ok());
}

TEST(LicenseKey, TypingIsNormalisedBeforeChecking) {
  const std::string canonical = "04106-1050R-3GG28-A1C60-T3GF5";
  for (const char* typed : {
           "04106-1050R-3GG28-A1C60-T3GF5",
           "04106-1050r-3gg28-a1c60-t3gf5",
           "O41O6-IO5OR-3GG28-AlC6O-T3GF5",
           "o4io6 lo50r 3gg28 aic60 t3gf5",
           "041061050R3GG28A1C60T3GF5",
           "  04106--1050R-3GG28-A1C60-T3GF5\n",
           "0-4-1-0-6-1-0-5-0-R-3-G-G-2-8-A-1-C-6-0-T-3-G-F-5",
           "04106\t1050R 3GG28\r\nA1C60 T3GF5",
           "04106\xE2\x80\x93"
           "1050R\xE2\x80\x94"
           "3GG28\xC2\xA0"
           "A1C60\xE2\x88\x92"
           "T3GF5",
       }) {
    auto key = LicenseKey::parse(typed);
    ASSERT_TRUE(key.ok()) << typed << ": " << key.message();
    EXPECT_EQ(key->text(), canonical);
  }
}

TEST(LicenseKey, EverySingleSubstitutionIsDetected) {
  for (int n = 0; n < 1000; ++n) {
    const std::string symbols = symbols_of(LicenseKey::generate());
    for (std::size_t at = 0; at < symbols.size(); ++at) {
      for (const char replacement : kAlphabet) {
        if (replacement == symbols[at]) continue;
        std::string typo = symbols;
        typo[at] = replacement;
        auto key = LicenseKey::parse(typo);
        ASSERT_FALSE(key.ok()) << symbols << " -> " << typo;
        ASSERT_EQ(key.message(), "this is not a valid license key; check for a mistyped character");
      }
    }
  }
}

TEST(LicenseKey, EveryTranspositionAtAnyDistanceIsDetected) {
  std::size_t swaps = 0;
  for (int n = 0; n < 1000; ++n) {
    const std::string symbols = symbols_of(LicenseKey::generate());
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      for (std::size_t j = i + 1; j < symbols.size(); ++j) {
        if (symbols[i] == symbols[j]) continue;
        std::string swapped = symbols;
        std::swap(swapped[i], swapped[j]);
        ASSERT_FALSE(LicenseKey::parse(swapped).ok()) << symbols << " -> " << swapped;
        ++swaps;
      }
    }
  }
  EXPECT_GT(swaps, 250000u);
}

TEST(LicenseKey, WrongLengthsSayHowManyCharactersThereAre) {
  expect_invalid("04106-1050R-3GG28-A1C60-T3G",
                 "a license key has 25 characters in 5 groups, this has 23");
  expect_invalid("04106-1050R-3GG28-A1C60-T3GF50",
                 "a license key has 25 characters in 5 groups, this has 26");
  expect_invalid("", "a license key has 25 characters in 5 groups, this has 0");
  expect_invalid(" - - ", "a license key has 25 characters in 5 groups, this has 0");
  expect_invalid(std::string(1000, '0'),
                 "a license key has 25 characters in 5 groups, this has 1000");
}

TEST(LicenseKey, CharactersOutsideKeysAreNamedWithTheirPosition) {
  expect_invalid("04106-!050R-3GG28-A1C60-T3GF5", "'!' at position 7 is not used in license keys");
  expect_invalid("04106-1050U-3GG28-A1C60-T3GF5", "'U' at position 11 is not used in license keys");
  expect_invalid("04106-1050u-3GG28-A1C60-T3GF5", "'u' at position 11 is not used in license keys");
  expect_invalid("0410_", "'_' at position 5 is not used in license keys");
  expect_invalid(
      "\xC3\xA9"
      "4106",
      "'\xC3\xA9' at position 1 is not used in license keys");
  expect_invalid("\xE2\x80\x93\xC3\xA9", "'\xC3\xA9' at position 2 is not used in license keys");
  expect_invalid("04\xFF", "the byte 0xFF at position 3 is not used in license keys");
  expect_invalid("04\xC3", "the byte 0xC3 at position 3 is not used in license keys");
  expect_invalid(std::string_view("04\0", 3),
                 "the byte 0x00 at position 3 is not used in license keys");
}

}  // namespace
}  // namespace nodelock
