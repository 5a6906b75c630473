// Hex, base64 and Crockford base32: round trips, known answers, strict decoding.
#include <gtest/gtest.h>

#include <string>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::encoding {
namespace {

using crypto::Bytes;

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

TEST(Hex, EncodesLowerCaseAndRoundTrips) {
  const Bytes bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(hex(bytes), "00017f80abff");
  auto decoded = from_hex("00017f80abff");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, bytes);
  EXPECT_EQ(hex(Bytes{}), "");
  ASSERT_TRUE(from_hex("").ok());
  EXPECT_TRUE(from_hex("")->empty());
}

TEST(Hex, RejectsOddLengthUpperCaseAndForeignCharacters) {
  for (const std::string_view bad : {"0", "abc", "AB", "0G", "zz", "0x", " 00", "00 ", "0\n"}) {
    const auto decoded = from_hex(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.code(), ErrorCode::malformed);
  }
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64(plain), encoded);
    auto decoded = from_base64(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, bytes_of(plain));
  }
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  Bytes bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(255 - i));
    auto decoded = from_base64(base64(bytes));
    ASSERT_TRUE(decoded.ok()) << i;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64, RejectsEverythingButTheOneCanonicalEncoding) {
  const std::string_view bad[] = {
      "Zg",        // missing padding
      "Zg=",       // short padding
      "Zg===",     // too much padding
      "====",      // padding alone
      "Z===",      // one symbol cannot hold a byte
      "Zh==",      // non-zero bits after the last byte
      "Zm9=",      // non-zero bits after the last byte
      "Zg==Zg==",  // padding in the middle
      "Zm9v\n",    // line break
      " Zm9v",     // white space
      "Zm9-",      // base64url alphabet
      "Zm_v",      // base64url alphabet
  };
  for (const std::string_view text : bad) {
    const auto decoded = from_base64(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.code(), ErrorCode::malformed);
  }
  EXPECT_FALSE(from_base64(std::string_view("Zm9v\0AAA", 8)).ok());
}

TEST(Crockford32, SpellsTheValueOfTheLeadingBits) {
  EXPECT_EQ(crockford32(Bytes{0x00, 0x00, 0x00, 0x00, 0x00}, 40), "00000000");
  EXPECT_EQ(crockford32(Bytes{0xff, 0xff, 0xff, 0xff, 0xff}, 40), "ZZZZZZZZ");
  // 0x08 0x42 = 00001 00001 00001 0: the first 15 bits are three ones.
  EXPECT_EQ(crockford32(Bytes{0x08, 0x42}, 15), "111");
  // 0xf8 = 11111 000: its leading 5 bits are 31, its 8 bits the value 248 = 7*32+24.
  EXPECT_EQ(crockford32(Bytes{0xf8}, 5), "Z");
  EXPECT_EQ(crockford32(Bytes{0xf8}, 8), "7R");
  EXPECT_EQ(crockford32(Bytes{0x12, 0x34}, 0), "");
}

TEST(Crockford32, UsesTheAlphabetWithoutILOU) {
  Bytes all_values;
  // 32 symbols of 5 bits are 160 bits: the values 0..31 in order.
  std::uint64_t accumulator = 0;
  int bits = 0;
  for (unsigned value = 0; value < 32; ++value) {
    accumulator = accumulator << 5 | value;
    bits += 5;
    while (bits >= 8) {
      all_values.push_back(static_cast<std::uint8_t>(accumulator >> (bits - 8)));
      bits -= 8;
    }
  }
  const std::string text = crockford32(all_values, 160);
  EXPECT_EQ(text, "0123456789ABCDEFGHJKMNPQRSTVWXYZ");
  for (int value = 0; value < 32; ++value) {
    EXPECT_EQ(crockford32_value(text[value]), value);
  }
}

TEST(Crockford32, ValueRejectsSymbolsOutsideTheAlphabet) {
  for (const char symbol : {'I', 'L', 'O', 'U', 'a', 'z', '-', ' ', '\0', '='}) {
    EXPECT_EQ(crockford32_value(symbol), -1) << static_cast<int>(symbol);
  }
  EXPECT_EQ(crockford32_value(static_cast<char>(0xC9)), -1);
}

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
  for (const std::string text : {"", "plain ASCII", "caf\xC3\xA9", "\xE2\x82\xAC 5",
                                 "\xF0\x9F\x94\x91 key", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
  }
}

TEST(Utf8, RefusesEveryKindOfIllFormedSequence) {
  for (const std::string& text :
       {std::string("\xFF"),              // never a UTF-8 byte
        std::string("/v1/x\xFF"),         // the byte a percent-decoded path can carry
        std::string("\x80"),              // a continuation byte with no lead
        std::string("\xC3"),              // cut short
        std::string("\xE2\x82"),          // cut short
        std::string("\xC0\xAF"),          // overlong '/'
        std::string("\xE0\x80\xAF"),      // overlong '/'
        std::string("\xF0\x80\x80\xAF"),  // overlong '/'
        std::string("\xED\xA0\x80"),      // a UTF-16 surrogate
        std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
        std::string("\xF5\x80\x80\x80"),  // no such lead byte
        std::string("ok\xC3(")}) {        // a lead byte followed by ASCII
    EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

TEST(DisplayText, AcceptsOneLineOfPrintableTextUpToItsLength) {
  for (const std::string text : {"", "ws-042.corp.example.com", "Acme GmbH & Co. KG",
                                 "M\xC3\xBCller", "\xE6\x9D\xB1\xE4\xBA\xAC", "=HYPERLINK(x)"}) {
    EXPECT_TRUE(is_display_text(text, 64)) << text;
  }
  EXPECT_TRUE(is_display_text(std::string(64, 'a'), 64));
  EXPECT_FALSE(is_display_text(std::string(65, 'a'), 64));
}

TEST(DisplayText, RefusesControlCharactersAndIllFormedUtf8) {
  for (const std::string& text :
       {std::string("ws\x1b[2J"),     // an escape sequence that clears a terminal
        std::string("ws\0admin", 8),  // NUL
        std::string("two\nlines"),    // a line break
        std::string("tab\there"),     // a tab
        std::string("del\x7f"),       // DEL
        std::string("c1\xC2\x9B"
                    "31m"),         // CSI as a C1 control
        std::string("caf\xE9")}) {  // Latin-1, not UTF-8
    EXPECT_FALSE(is_display_text(text, 64)) << testing::PrintToString(text);
  }
  EXPECT_TRUE(is_display_text("\xC2\xA0nbsp", 64)) << "U+00A0 is not a control character";
}

}  // namespace
}  // namespace nodelock::encoding
