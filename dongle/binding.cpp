// Dongle bindings as licenses carry them.
#include <algorithm>
#include <set>

#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock::dongle {
namespace {

constexpr int kYubiKeySlot = 2;
constexpr std::size_t kShownChallengeBytes = 4;

Error malformed(const std::string& why) {
  return make_error(ErrorCode::malformed, "the license's dongle binding is malformed: " + why);
}

// Reads the base64 field `name` of exactly N bytes into `out`.
template <std::size_t N>
Status read_bytes(const nlohmann::json& json, const char* name, std::array<std::uint8_t, N>& out) {
  const auto field = json.find(name);
  if (field == json.end() || !field->is_string()) {
    return malformed(std::string("\"") + name + "\" must be a base64 string");
  }
  auto bytes = encoding::from_base64(field->get_ref<const std::string&>());
  if (!bytes.ok() || bytes->size() != N) {
    return malformed(std::string("\"") + name + "\" must be base64 of " + std::to_string(N) +
                     " bytes");
  }
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return {};
}

Status expect_fields(const nlohmann::json& json, const std::set<std::string>& names) {
  for (const auto& [key, value] : json.items()) {
    if (names.count(key) == 0) return malformed("unknown field \"" + key + "\"");
  }
  for (const std::string& name : names) {
    if (!json.contains(name)) return malformed("missing field \"" + name + "\"");
  }
  return {};
}

Result<DongleBinding> nldg_from_json(const nlohmann::json& json) {
  if (auto fields = expect_fields(json, {"family", "public_key"}); !fields.ok()) {
    return fields.error();
  }
  NldgBinding binding;
  if (auto key = read_bytes(json, "public_key", binding.public_key.bytes); !key.ok()) {
    return key.error();
  }
  return DongleBinding{binding};
}

Result<DongleBinding> yubikey_from_json(const nlohmann::json& json) {
  if (auto fields = expect_fields(json, {"challenge", "family", "response_hash", "salt", "slot"});
      !fields.ok()) {
    return fields.error();
  }
  const nlohmann::json& slot = json["slot"];
  if (!slot.is_number_integer() || slot.get<std::int64_t>() != kYubiKeySlot) {
    return malformed("\"slot\" must be the integer 2");
  }
  YubiKeyBinding binding;
  for (Status read :
       {read_bytes(json, "challenge", binding.challenge), read_bytes(json, "salt", binding.salt),
        read_bytes(json, "response_hash", binding.response_hash.bytes)}) {
    if (!read.ok()) return read.error();
  }
  return DongleBinding{binding};
}

}  // namespace

std::string DongleBinding::describe() const {
  if (const auto* nldg = std::get_if<NldgBinding>(&key)) {
    return "the NLDG dongle with key id " + crypto::key_id(nldg->public_key);
  }
  const auto& yubikey = std::get<YubiKeyBinding>(key);
  return "the YubiKey enrolled with challenge " +
         encoding::hex(crypto::ByteView(yubikey.challenge.data(), kShownChallengeBytes));
}

bool operator==(const DongleBinding& a, const DongleBinding& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == Family::nldg) {
    return std::get<NldgBinding>(a.key).public_key == std::get<NldgBinding>(b.key).public_key;
  }
  const auto& x = std::get<YubiKeyBinding>(a.key);
  const auto& y = std::get<YubiKeyBinding>(b.key);
  return x.challenge == y.challenge && x.salt == y.salt && x.response_hash == y.response_hash;
}

nlohmann::json to_json(const DongleBinding& binding) {
  if (const auto* nldg = std::get_if<NldgBinding>(&binding.key)) {
    return {{"family", family_name(Family::nldg)},
            {"public_key", encoding::base64(nldg->public_key.bytes)}};
  }
  const auto& yubikey = std::get<YubiKeyBinding>(binding.key);
  return {{"challenge", encoding::base64(yubikey.challenge)},
          {"family", family_name(Family::yubikey)},
          {"response_hash", encoding::base64(yubikey.response_hash.bytes)},
          {"salt", encoding::base64(yubikey.salt)},
          {"slot", kYubiKeySlot}};
}

Result<DongleBinding> dongle_binding_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return malformed("it must be a JSON object");
  const auto family = json.find("family");
  if (family == json.end() || !family->is_string()) {
    return malformed("\"family\" must be \"nldg\" or \"yubikey\"");
  }
  const std::string& name = family->get_ref<const std::string&>();
  const std::optional<Family> known = family_from_name(name);
  if (!known) return malformed("unknown family \"" + name + "\"");
  return *known == Family::nldg ? nldg_from_json(json) : yubikey_from_json(json);
}

}  // namespace nodelock::dongle
