// Strict reading of JSON objects that arrive from outside: documents, API bodies.
//
// A FieldReader walks one object: each field is asked for once with its type;
// a missing required field, a field of the wrong type, or a field nobody asked
// for makes finish() return a malformed error naming the field. The first
// problem wins; later calls are then no-ops, so parsers read straight down:
//
//   FieldReader in(json, "license");
//   License license;
//   license.product = in.string("product");
//   license.expires_at = in.optional_integer("expires_at");
//   if (auto status = in.finish(); !status.ok()) return status.error();
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

class FieldReader {
 public:
  // `what` names the object in messages ("license", "request body").
  FieldReader(const nlohmann::json& object, std::string what);

  std::string string(const char* name);
  std::optional<std::string> optional_string(const char* name);
  std::int64_t integer(const char* name);
  std::optional<std::int64_t> optional_integer(const char* name);
  bool boolean(const char* name);
  std::vector<std::string> string_list(const char* name);
  // A nested object or array, to be read by its own parser.
  const nlohmann::json& object(const char* name);
  const nlohmann::json& array(const char* name);
  // An optional nested object: null when the field is absent.
  const nlohmann::json* optional_object(const char* name);
  // Base64 of exactly N bytes (keys, signatures, nonces).
  crypto::PublicKey public_key(const char* name);

  // Reports the first problem met, or an unknown field.
  [[nodiscard]] Status finish();
  bool failed() const { return failure_.has_value(); }
  void fail(const std::string& message);

 private:
  const nlohmann::json* field(const char* name, bool required);

  const nlohmann::json& object_;
  std::string what_;
  std::set<std::string> seen_;
  std::optional<std::string> failure_;
};

}  // namespace nodelock
