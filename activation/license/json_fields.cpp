#include "nodelock/activation/json_fields.h"

#include "nodelock/crypto/encoding.h"

namespace nodelock {
namespace {

const nlohmann::json& null_json() {
  static const nlohmann::json null_value;
  return null_value;
}

}  // namespace

FieldReader::FieldReader(const nlohmann::json& object, std::string what)
    : object_(object), what_(std::move(what)) {
  if (!object_.is_object()) fail("the " + what_ + " is not a JSON object");
}

void FieldReader::fail(const std::string& message) {
  if (!failure_) failure_ = message;
}

const nlohmann::json* FieldReader::field(const char* name, bool required) {
  if (failure_) return nullptr;
  seen_.insert(name);
  const auto found = object_.find(name);
  if (found == object_.end()) {
    if (required) fail("the " + what_ + " has no \"" + name + "\" field");
    return nullptr;
  }
  return &*found;
}

std::optional<std::string> FieldReader::optional_string(const char* name) {
  const nlohmann::json* value = field(name, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " must be a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::string FieldReader::string(const char* name) {
  if (field(name, true) == nullptr) return {};
  return optional_string(name).value_or(std::string());
}

std::optional<std::int64_t> FieldReader::optional_integer(const char* name) {
  const nlohmann::json* value = field(name, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " must be an integer");
    return std::nullopt;
  }
  if (value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " is out of range");
    return std::nullopt;
  }
  return value->get<std::int64_t>();
}

std::int64_t FieldReader::integer(const char* name) {
  if (field(name, true) == nullptr) return 0;
  return optional_integer(name).value_or(0);
}

bool FieldReader::boolean(const char* name) {
  const nlohmann::json* value = field(name, true);
  if (value == nullptr) return false;
  if (!value->is_boolean()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " must be true or false");
    return false;
  }
  return value->get<bool>();
}

std::vector<std::string> FieldReader::string_list(const char* name) {
  const nlohmann::json& list = array(name);
  std::vector<std::string> strings;
  for (const auto& item : list) {
    if (!item.is_string()) {
      fail("\"" + std::string(name) + "\" in the " + what_ + " must hold only strings");
      return {};
    }
    strings.push_back(item.get<std::string>());
  }
  return strings;
}

const nlohmann::json& FieldReader::object(const char* name) {
  const nlohmann::json* value = field(name, true);
  if (value == nullptr) return null_json();
  if (!value->is_object()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " must be an object");
    return null_json();
  }
  return *value;
}

const nlohmann::json* FieldReader::optional_object(const char* name) {
  const nlohmann::json* value = field(name, false);
  if (value == nullptr || value->is_object()) return value;
  fail("\"" + std::string(name) + "\" in the " + what_ + " must be an object");
  return nullptr;
}

const nlohmann::json& FieldReader::array(const char* name) {
  static const nlohmann::json empty_array = nlohmann::json::array();
  const nlohmann::json* value = field(name, true);
  if (value == nullptr) return empty_array;
  if (!value->is_array()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " must be a list");
    return empty_array;
  }
  return *value;
}

crypto::PublicKey FieldReader::public_key(const char* name) {
  crypto::PublicKey key;
  const std::string text = string(name);
  if (failure_) return key;
  auto bytes = encoding::from_base64(text);
  if (!bytes.ok() || bytes->size() != key.bytes.size()) {
    fail("\"" + std::string(name) + "\" in the " + what_ + " is not a base64 Ed25519 public key");
    return key;
  }
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  return key;
}

Status FieldReader::finish() {
  if (!failure_) {
    for (const auto& item : object_.items()) {
      if (seen_.count(item.key()) == 0) {
        fail("the " + what_ + " has an unknown field \"" + item.key() + "\"");
        break;
      }
    }
  }
  if (failure_) return make_error(ErrorCode::malformed, *failure_);
  return {};
}

}  // namespace nodelock
