#include "nodelock/fingerprint/fingerprint.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "json_reading.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::fingerprint {
namespace {

constexpr std::array<std::string_view, 3> kEnvironmentTypeNames = {"bare_metal", "virtual_machine",
                                                                   "container"};

constexpr std::size_t kMaxLabelSize = 64;
constexpr std::size_t kMaxEnvironmentNameSize = 32;

bool component_order(const HashedComponent& a, const HashedComponent& b) {
  return std::tie(a.kind, a.hash) < std::tie(b.kind, b.hash);
}

// Tiers of kinds that name a machine, best first: the first tier the machine
// has any component of is used (see Fingerprint::machine_id()).
constexpr std::array<std::array<bool, kind_count>, 4> kNamingTiers = {{
    {false, true, false, true, false, false},   // disk, machine_id
    {false, false, false, false, true, false},  // board
    {false, false, true, false, false, false},  // mac
    {true, false, false, false, false, false},  // cpu
}};

bool printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool environment_name_ok(std::string_view name) {
  return name.size() <= kMaxEnvironmentNameSize &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.';
         });
}

using json_reading::malformed;

Result<HashedComponent> read_component(const nlohmann::json& json) {
  constexpr std::string_view what = "fingerprint component";
  if (!json.is_object()) return malformed(what, "not an object");
  if (auto key = json_reading::unknown_key(json, {"kind", "label", "hash"})) {
    return malformed(what, "unknown field '" + *key + "'");
  }
  if (!json.contains("kind") || !json.contains("label") || !json.contains("hash")) {
    return malformed(what, "needs kind, label and hash");
  }
  const nlohmann::json& kind = json.at("kind");
  const nlohmann::json& label = json.at("label");
  const nlohmann::json& hash = json.at("hash");
  if (!kind.is_string() || !label.is_string() || !hash.is_string()) {
    return malformed(what, "kind, label and hash must be strings");
  }
  HashedComponent component;
  const auto parsed_kind = kind_from_name(kind.get_ref<const std::string&>());
  if (!parsed_kind) {
    return malformed(what, "unknown kind '" + kind.get_ref<const std::string&>() + "'");
  }
  component.kind = *parsed_kind;
  component.label = label.get<std::string>();
  if (component.label.empty() || component.label.size() > kMaxLabelSize ||
      !printable_ascii(component.label)) {
    return malformed(what, "label must be 1 to 64 printable ASCII characters");
  }
  const std::string& hex = hash.get_ref<const std::string&>();
  auto bytes = encoding::from_hex(hex);
  if (!bytes.ok() || bytes->size() != component.hash.size()) {
    return malformed(what, "hash must be 64 lower-case hex digits");
  }
  std::copy(bytes->begin(), bytes->end(), component.hash.begin());
  return component;
}

Result<Environment> read_environment(const nlohmann::json& json) {
  constexpr std::string_view what = "fingerprint environment";
  if (!json.is_object()) return malformed(what, "not an object");
  if (auto key = json_reading::unknown_key(json, {"type", "name"})) {
    return malformed(what, "unknown field '" + *key + "'");
  }
  if (!json.contains("type") || !json.contains("name") || !json.at("type").is_string() ||
      !json.at("name").is_string()) {
    return malformed(what, "needs type and name as strings");
  }
  const auto type = environment_type_from_name(json.at("type").get<std::string>());
  if (!type) return malformed(what, "unknown type");
  Environment environment{*type, json.at("name").get<std::string>()};
  if (!environment_name_ok(environment.name)) {
    return malformed(what, "name must be at most 32 of a-z 0-9 - _ .");
  }
  return environment;
}

Result<Fingerprint> read_fingerprint(const nlohmann::json& json) {
  constexpr std::string_view what = "fingerprint";
  if (!json.is_object()) return malformed(what, "not an object");
  if (auto key = json_reading::unknown_key(json, {"components", "environment"})) {
    return malformed(what, "unknown field '" + *key + "'");
  }
  if (!json.contains("components") || !json.contains("environment")) {
    return malformed(what, "needs components and environment");
  }
  const nlohmann::json& list = json.at("components");
  if (!list.is_array()) return malformed(what, "components is not an array");
  if (list.size() > max_components) {
    return malformed(what, "more than " + std::to_string(max_components) + " components");
  }
  std::vector<HashedComponent> components;
  components.reserve(list.size());
  for (const nlohmann::json& item : list) {
    auto component = read_component(item);
    if (!component.ok()) return component.error();
    components.push_back(std::move(*component));
  }
  std::sort(components.begin(), components.end(), component_order);
  const auto repeated = std::adjacent_find(
      components.begin(), components.end(),
      [](const auto& a, const auto& b) { return a.kind == b.kind && a.hash == b.hash; });
  if (repeated != components.end()) return malformed(what, "a component is repeated");
  auto environment = read_environment(json.at("environment"));
  if (!environment.ok()) return environment.error();
  return Fingerprint(std::move(components), std::move(*environment));
}

}  // namespace

std::string_view environment_type_name(EnvironmentType type) {
  return kEnvironmentTypeNames[static_cast<std::size_t>(type)];
}

std::optional<EnvironmentType> environment_type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kEnvironmentTypeNames.size(); ++i) {
    if (kEnvironmentTypeNames[i] == name) return static_cast<EnvironmentType>(i);
  }
  return std::nullopt;
}

Fingerprint::Fingerprint(std::vector<HashedComponent> components, Environment environment)
    : components_(std::move(components)), environment_(std::move(environment)) {
  std::sort(components_.begin(), components_.end(), component_order);
  components_.erase(std::unique(components_.begin(), components_.end(),
                                [](const auto& a, const auto& b) {
                                  return a.kind == b.kind && a.hash == b.hash;
                                }),
                    components_.end());
}

bool Fingerprint::has(Kind kind) const {
  return std::any_of(components_.begin(), components_.end(),
                     [kind](const HashedComponent& c) { return c.kind == kind; });
}

std::string Fingerprint::machine_id() const {
  std::vector<ComponentHash> hashes;
  for (const auto& tier : kNamingTiers) {
    for (const HashedComponent& component : components_) {
      if (tier[kind_index(component.kind)]) hashes.push_back(component.hash);
    }
    if (!hashes.empty()) break;
  }
  std::sort(hashes.begin(), hashes.end());
  crypto::Bytes joined;
  joined.reserve(hashes.size() * sizeof(ComponentHash));
  for (const ComponentHash& hash : hashes) joined.insert(joined.end(), hash.begin(), hash.end());
  const std::string symbols = encoding::crockford32(crypto::sha256(joined).bytes, 80);
  std::string id = "NL";
  for (std::size_t i = 0; i < symbols.size(); i += 4) id += "-" + symbols.substr(i, 4);
  return id;
}

// Members are placed one by one: the server writes every fingerprint it
// enrols twice (stored, and in the LICENSE), and nlohmann's initializer lists
// build and copy a temporary array for each member.
nlohmann::json to_json(const Fingerprint& fingerprint) {
  nlohmann::json components = nlohmann::json::array();
  components.get_ref<nlohmann::json::array_t&>().reserve(fingerprint.components().size());
  for (const HashedComponent& component : fingerprint.components()) {
    nlohmann::json& entry = components.emplace_back(nlohmann::json::object());
    entry.emplace("hash", encoding::hex(component.hash));
    entry.emplace("kind", kind_name(component.kind));
    entry.emplace("label", component.label);
  }
  const Environment& environment = fingerprint.environment();
  nlohmann::json environment_json = nlohmann::json::object();
  environment_json.emplace("name", environment.name);
  environment_json.emplace("type", environment_type_name(environment.type));
  nlohmann::json json = nlohmann::json::object();
  json.emplace("components", std::move(components));
  json.emplace("environment", std::move(environment_json));
  return json;
}

Result<Fingerprint> fingerprint_from_json(const nlohmann::json& json) {
  try {
    return read_fingerprint(json);
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::malformed, std::string("fingerprint: ") + e.what());
  }
}

}  // namespace nodelock::fingerprint
