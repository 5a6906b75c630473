#include "nodelock/activation/canonical_json.h"

#include <gtest/gtest.h>

#include <string>

namespace nodelock {
namespace {

using nlohmann::json;

std::string canonical(const json& value) {
  auto text = canonical_json(value);
  EXPECT_TRUE(text.ok()) << text.message();
  return text.ok() ? *text : std::string();
}

void expect_rejected(std::string_view text, ErrorCode code = ErrorCode::malformed) {
  auto parsed = parse_canonical(text);
  ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
  EXPECT_EQ(parsed.code(), code) << text << ": " << parsed.message();
  EXPECT_FALSE(parsed.message().empty());
}

TEST(CanonicalJson, SortsKeysBytewiseWithoutWhiteSpace) {
  const json value = {{"zeta", 1},
                      {"alpha", {{"b", true}, {"a", nullptr}}},
                      {"Zulu", json::array({3, -2, "x"})},
                      {"\xC3\xA9", 0},
                      {"e", 18446744073709551615u}};
  EXPECT_EQ(canonical(value),
            R"({"Zulu":[3,-2,"x"],"alpha":{"a":null,"b":true},"e":18446744073709551615,)"
            "\"zeta\":1,\"\xC3\xA9\":0}");
}

TEST(CanonicalJson, EscapesOnlyWhatJsonRequires) {
  const std::string raw = std::string("q\" b\\ / \xC3\xA9 \x7F ") + '\x01' + "\b\f\n\r\t" + '\x1F';
  EXPECT_EQ(canonical(json(raw)), "\"q\\\" b\\\\ / \xC3\xA9 \x7F \\u0001\\b\\f\\n\\r\\t\\u001f\"");
}

TEST(CanonicalJson, RefusesFloatingPointNumbersAnywhere) {
  for (const json& value : {json(1.0), json({{"a", {{"b", json::array({1, 0.5})}}}}),
                            json::array({json::array({-0.0})})}) {
    auto text = canonical_json(value);
    ASSERT_FALSE(text.ok()) << value.dump();
    EXPECT_EQ(text.code(), ErrorCode::malformed);
  }
}

TEST(CanonicalJson, RefusesStringsThatAreNotUtf8) {
  for (const json& value :
       {json("\xC3"), json({{"ok", "\xFF\xFE"}}), json({{"\xED\xA0\x80", 1}})}) {
    auto text = canonical_json(value);
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.code(), ErrorCode::malformed);
  }
}

TEST(CanonicalJson, WritesOnlyWhatItCanReadBack) {
  json deep = 1;
  for (int level = 0; level < 17; ++level) deep = json::array({deep});
  auto too_deep = canonical_json(deep);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.code(), ErrorCode::malformed);

  auto too_large = canonical_json(json(std::string(100, 'x')), {64, 16});
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.code(), ErrorCode::payload_too_large);
}

TEST(CanonicalJson, ParsesWhatItWrites) {
  const json value = {{"v", 1},
                      {"type", "license"},
                      {"features", json::array({"export", "render"})},
                      {"limits", {{"seats", 10}, {"max_version", -4}}},
                      {"licensee", "Müller & Söhne \"GmbH\"\n\U0001F600"},
                      {"empty", json::object()},
                      {"none", json::array()}};
  const std::string text = canonical(value);
  auto parsed = parse_canonical(text);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(*parsed, value);
  EXPECT_EQ(canonical(*parsed), text);
}

TEST(CanonicalJson, ParseRefusesEverySecondSpelling) {
  expect_rejected("");
  expect_rejected(" {}");
  expect_rejected("{} ");
  expect_rejected("{}\n");
  expect_rejected(R"({"a": 1})");
  expect_rejected(R"({"a":1 })");
  expect_rejected(R"({"b":1,"a":2})");
  expect_rejected(R"({"a":1,"a":1})");
  expect_rejected(R"({"a":1,"a":2})");
  expect_rejected("1.0");
  expect_rejected("1e2");
  expect_rejected("1E2");
  expect_rejected("-0");
  expect_rejected("01");
  expect_rejected("+1");
  expect_rejected("18446744073709551616");
  expect_rejected(R"("\u0041")");
  expect_rejected(R"("\/")");
  expect_rejected(R"("\u001F")");
  expect_rejected(R"("\u00e9")");
  expect_rejected(R"("\ud800")");
  expect_rejected("\"\xC3\"");
  expect_rejected("\"\xC0\xAF\"");
  expect_rejected("\"a\x01\"");
  expect_rejected("{}{}");
  expect_rejected("[1,]");
  expect_rejected(std::string_view("{\"a\":1}\0", 8));
  expect_rejected("NaN");
  expect_rejected("Infinity");
  expect_rejected("True");
  expect_rejected("/**/{}");
  expect_rejected("'a'");
}

TEST(CanonicalJson, ParseAcceptsTheCanonicalScalars) {
  for (const char* text : {"0", "-1", "9223372036854775807", "-9223372036854775808", "true",
                           "false", "null", R"("")", "[]", "{}"}) {
    auto parsed = parse_canonical(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.message();
  }
}

TEST(CanonicalJson, ParseRefusesNestingBeyondTheLimitBeforeParsing) {
  const std::string hostile(1 << 20, '[');
  expect_rejected(hostile, ErrorCode::payload_too_large);
  auto deep = parse_canonical(hostile, {std::size_t{2} << 20, 16});
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.code(), ErrorCode::malformed);

  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  EXPECT_TRUE(parse_canonical(nested(16)).ok());
  expect_rejected(nested(17));
  EXPECT_TRUE(parse_canonical(nested(3), {64, 3}).ok());
  expect_rejected(R"({"a":{"b":{"c":{"d":[[[[[[[[[[[[[1]]]]]]]]]]]]]}}}})");
}

TEST(CanonicalJson, BracketsInsideStringsDoNotCountAsNesting) {
  const std::string text = "[\"" + std::string(100, '[') + "\\\"{{{\"]";
  auto parsed = parse_canonical(text, {1024, 1});
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ((*parsed)[0], std::string(100, '[') + "\"{{{");
}

TEST(CanonicalJson, ParseRefusesTextOverTheSizeLimit) {
  const std::string text = "\"" + std::string(64 * 1024, 'a') + "\"";
  expect_rejected(text, ErrorCode::payload_too_large);
  EXPECT_TRUE(parse_canonical(text, {text.size(), 16}).ok());
}

}  // namespace
}  // namespace nodelock
