// Dongle bindings as licenses carry them: canonical-friendly JSON and a strict
// parser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock::dongle {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

DongleBinding nldg_binding() {
  return DongleBinding{NldgBinding{crypto::SigningKey::generate().public_key()}};
}

DongleBinding yubikey_binding() {
  YubiKeyBinding binding;
  crypto::random_bytes(binding.challenge.data(), binding.challenge.size());
  crypto::random_bytes(binding.salt.data(), binding.salt.size());
  binding.response_hash = crypto::sha256(std::string_view("answer"));
  return DongleBinding{binding};
}

// Only strings and integers, at any depth: what canonical signed JSON allows.
bool strings_and_integers_only(const json& value) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (!strings_and_integers_only(member)) return false;
    }
    return true;
  }
  return value.is_string() || value.is_number_integer();
}

TEST(DongleBindingJson, BothFamiliesRoundTrip) {
  for (const DongleBinding& binding : {nldg_binding(), yubikey_binding()}) {
    const json out = to_json(binding);
    EXPECT_TRUE(strings_and_integers_only(out)) << out.dump();
    auto back = dongle_binding_from_json(json::parse(out.dump()));
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(*back, binding);
    EXPECT_EQ(to_json(*back), out);
  }
}

TEST(DongleBindingJson, TheFormatIsTheDocumentedOne) {
  const DongleBinding nldg = nldg_binding();
  const auto& key = std::get<NldgBinding>(nldg.key).public_key;
  EXPECT_EQ(to_json(nldg), json({{"family", "nldg"}, {"public_key", encoding::base64(key.bytes)}}));
  const json yubikey = to_json(yubikey_binding());
  EXPECT_EQ(yubikey["family"], "yubikey");
  EXPECT_EQ(yubikey["slot"], 2);
  EXPECT_EQ(encoding::from_base64(yubikey["challenge"].get<std::string>())->size(), 64u);
  EXPECT_EQ(encoding::from_base64(yubikey["salt"].get<std::string>())->size(), 16u);
  EXPECT_EQ(encoding::from_base64(yubikey["response_hash"].get<std::string>())->size(), 32u);
}

TEST(DongleBindingJson, DescriptionsNameTheDongleWithoutSecrets) {
  const DongleBinding nldg = nldg_binding();
  EXPECT_EQ(nldg.describe(), "the NLDG dongle with key id " +
                                 crypto::key_id(std::get<NldgBinding>(nldg.key).public_key));
  EXPECT_THAT(yubikey_binding().describe(), HasSubstr("the YubiKey enrolled with challenge "));
}

TEST(DongleBindingJson, MalformedBindingsAreRefused) {
  const json nldg = to_json(nldg_binding());
  const json yubikey = to_json(yubikey_binding());
  auto with = [](json value, const std::string& field, json replacement) {
    value[field] = std::move(replacement);
    return value;
  };
  auto without = [](json value, const std::string& field) {
    value.erase(field);
    return value;
  };
  const std::string short_key = encoding::base64(crypto::Bytes(31, 1));
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "must be a JSON object"},
      {json("nldg"), "must be a JSON object"},
      {json::object(), "\"family\" must be"},
      {with(nldg, "family", 1), "\"family\" must be"},
      {with(nldg, "family", "NLDG"), "unknown family \"NLDG\""},
      {with(nldg, "family", "fido"), "unknown family"},
      {without(nldg, "public_key"), "missing field \"public_key\""},
      {with(nldg, "serial", "X"), "unknown field \"serial\""},
      {with(nldg, "public_key", 7), "\"public_key\" must be a base64 string"},
      {with(nldg, "public_key", short_key), "base64 of 32 bytes"},
      {with(nldg, "public_key", "not base64!"), "base64 of 32 bytes"},
      {with(nldg, "public_key", nldg["public_key"].get<std::string>() + "=="), "base64 of 32"},
      {without(yubikey, "salt"), "missing field \"salt\""},
      {without(yubikey, "slot"), "missing field \"slot\""},
      {with(yubikey, "public_key", nldg["public_key"]), "unknown field \"public_key\""},
      {with(yubikey, "slot", 1), "\"slot\" must be the integer 2"},
      {with(yubikey, "slot", "2"), "\"slot\" must be the integer 2"},
      {with(yubikey, "slot", 2.0), "\"slot\" must be the integer 2"},
      {with(yubikey, "challenge", short_key), "\"challenge\" must be base64 of 64 bytes"},
      {with(yubikey, "salt", yubikey["challenge"]), "\"salt\" must be base64 of 16 bytes"},
      {with(yubikey, "response_hash", yubikey["salt"]), "base64 of 32 bytes"},
  };
  for (const auto& [input, reason] : cases) {
    auto parsed = dongle_binding_from_json(input);
    ASSERT_FALSE(parsed.ok()) << input.dump();
    EXPECT_EQ(parsed.code(), ErrorCode::malformed) << input.dump();
    EXPECT_THAT(parsed.message(), HasSubstr(reason)) << input.dump();
  }
}

}  // namespace
}  // namespace nodelock::dongle
