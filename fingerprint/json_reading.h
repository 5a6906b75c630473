// Strict reading of the fingerprint module's JSON (fingerprints, policies):
// small checks shared by both parsers. Internal to the module.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock::fingerprint::json_reading {

inline Error malformed(std::string_view what, std::string_view why) {
  return make_error(ErrorCode::malformed, std::string(what) + ": " + std::string(why));
}

// The first key of `object` outside `allowed`, if any: documents refuse fields
// they do not understand rather than silently dropping them.
inline std::optional<std::string> unknown_key(const nlohmann::json& object,
                                              std::initializer_list<std::string_view> allowed) {
  for (const auto& item : object.items()) {
    bool known = false;
    for (const std::string_view name : allowed) known = known || item.key() == name;
    if (!known) return item.key();
  }
  return std::nullopt;
}

// An integer within [low, high]; floats, booleans and out-of-range numbers are
// refused (documents are canonical JSON without floats).
inline std::optional<std::int64_t> integer_in(const nlohmann::json& value, std::int64_t low,
                                              std::int64_t high) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(high)) return std::nullopt;
    const auto signed_number = static_cast<std::int64_t>(number);
    if (signed_number < low) return std::nullopt;
    return signed_number;
  }
  if (!value.is_number_integer()) return std::nullopt;
  const auto number = value.get<std::int64_t>();
  if (number < low || number > high) return std::nullopt;
  return number;
}

}  // namespace nodelock::fingerprint::json_reading
