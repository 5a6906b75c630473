#include "nodelock/activation/canonical_json.h"

#include <algorithm>
#include <exception>
#include <string>

namespace nodelock {
namespace {

using nlohmann::json;

Error too_large(std::size_t size, const CanonicalLimits& limits) {
  return make_error(ErrorCode::payload_too_large, "the JSON is " + std::to_string(size) +
                                                      " bytes, over the limit of " +
                                                      std::to_string(limits.max_size));
}

Error too_deep(const CanonicalLimits& limits) {
  return make_error(ErrorCode::malformed,
                    "JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
}

// Recursion stops one level past the limit, so even a hostile tree built in
// memory cannot exhaust the stack here or later in dump().
Status check_canonicalisable(const json& value, std::size_t depth, const CanonicalLimits& limits) {
  switch (value.type()) {
    case json::value_t::number_float:
      return make_error(ErrorCode::malformed,
                        "a floating point number has no single spelling; nodelock documents "
                        "hold integers only");
    case json::value_t::binary:
    case json::value_t::discarded:
      return make_error(ErrorCode::malformed, "a value that JSON cannot express");
    case json::value_t::array:
    case json::value_t::object:
      if (depth + 1 > limits.max_depth) return too_deep(limits);
      for (const json& item : value) {
        if (auto status = check_canonicalisable(item, depth + 1, limits); !status.ok()) {
          return status;
        }
      }
      return {};
    default:
      return {};
  }
}

// nlohmann's parser keeps its own stack, but every later walk of the value
// recurses; counting brackets outside strings bounds the depth before any of that.
bool nested_deeper_than(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<std::string> canonical_json(const json& value, const CanonicalLimits& limits) {
  if (auto status = check_canonicalisable(value, 0, limits); !status.ok()) return status.error();
  std::string text;
  try {
    text = value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error&) {
    return make_error(ErrorCode::malformed, "a JSON string is not valid UTF-8");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("writing JSON failed: ") + e.what());
  }
  if (text.size() > limits.max_size) return too_large(text.size(), limits);
  return text;
}

Result<json> parse_canonical(std::string_view text, const CanonicalLimits& limits) {
  if (text.size() > limits.max_size) return too_large(text.size(), limits);
  if (nested_deeper_than(text, limits.max_depth)) return too_deep(limits);
  json value;
  try {
    value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("reading JSON failed: ") + e.what());
  }
  if (value.is_discarded()) return make_error(ErrorCode::malformed, "not valid JSON");
  auto canonical = canonical_json(value, limits);
  if (!canonical.ok()) return canonical.error();
  if (*canonical != text) {
    const auto mismatch =
        std::mismatch(text.begin(), text.end(), canonical->begin(), canonical->end());
    return make_error(ErrorCode::malformed,
                      "the JSON is not in canonical form (from byte " +
                          std::to_string(mismatch.first - text.begin()) +
                          ": white space, unsorted or repeated keys, or needless escapes)");
  }
  return value;
}

}  // namespace nodelock
