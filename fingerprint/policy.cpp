#include "nodelock/fingerprint/policy.h"

#include <string>

#include "json_reading.h"

namespace nodelock::fingerprint {
namespace {

constexpr int kMaxWeight = 100;

using json_reading::integer_in;
using json_reading::malformed;

Result<MatchPolicy> read_policy(const nlohmann::json& json) {
  constexpr std::string_view what = "match policy";
  if (!json.is_object()) return malformed(what, "not an object");
  if (auto key = json_reading::unknown_key(json, {"weights", "threshold", "required"})) {
    return malformed(what, "unknown field '" + *key + "'");
  }
  if (!json.contains("weights") || !json.contains("threshold") || !json.contains("required")) {
    return malformed(what, "needs weights, threshold and required");
  }
  MatchPolicy policy;
  policy.weights.fill(0);
  const nlohmann::json& weights = json.at("weights");
  if (!weights.is_object()) return malformed(what, "weights is not an object");
  for (const auto& item : weights.items()) {
    const auto kind = kind_from_name(item.key());
    if (!kind) return malformed(what, "unknown kind '" + item.key() + "' in weights");
    const auto weight = integer_in(item.value(), 0, kMaxWeight);
    if (!weight) return malformed(what, "the weight of " + item.key() + " is not 0..100");
    policy.weights[kind_index(*kind)] = static_cast<int>(*weight);
  }
  const auto threshold = integer_in(json.at("threshold"), 1, kMaxWeight * kind_count);
  if (!threshold) return malformed(what, "threshold is not a positive integer");
  policy.threshold = static_cast<int>(*threshold);

  const nlohmann::json& required = json.at("required");
  if (!required.is_array()) return malformed(what, "required is not an array");
  for (const nlohmann::json& name : required) {
    const auto kind = name.is_string() ? kind_from_name(name.get<std::string>()) : std::nullopt;
    if (!kind) return malformed(what, "required names an unknown kind");
    if (policy.is_required(*kind)) return malformed(what, "required repeats a kind");
    policy.required[kind_index(*kind)] = true;
  }
  if (auto status = check_policy(policy); !status.ok()) return malformed(what, status.message());
  return policy;
}

}  // namespace

MatchPolicy MatchPolicy::standard() { return MatchPolicy{}; }

MatchPolicy MatchPolicy::dongle_required() {
  MatchPolicy policy;
  policy.required[kind_index(Kind::dongle)] = true;
  policy.threshold = policy.weight(Kind::dongle);
  return policy;
}

Status check_policy(const MatchPolicy& policy) {
  int total = 0;
  for (const Kind kind : all_kinds) {
    const int weight = policy.weight(kind);
    if (weight < 0 || weight > kMaxWeight) {
      return make_error(ErrorCode::invalid_argument,
                        "the weight of " + std::string(kind_name(kind)) + " must be 0..100");
    }
    total += weight;
  }
  if (policy.threshold < 1 || policy.threshold > total) {
    return make_error(ErrorCode::invalid_argument,
                      "the threshold must be between 1 and the sum of the weights (" +
                          std::to_string(total) + ")");
  }
  if (policy.threshold <= policy.weight(Kind::cpu)) {
    return make_error(ErrorCode::invalid_argument,
                      "the threshold must exceed the cpu weight: every machine of one model "
                      "shares its cpu");
  }
  return {};
}

nlohmann::json to_json(const MatchPolicy& policy) {
  nlohmann::json weights = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const Kind kind : all_kinds) {
    weights[std::string(kind_name(kind))] = policy.weight(kind);
    if (policy.is_required(kind)) required.push_back(std::string(kind_name(kind)));
  }
  return {{"weights", std::move(weights)},
          {"threshold", policy.threshold},
          {"required", std::move(required)}};
}

Result<MatchPolicy> match_policy_from_json(const nlohmann::json& json) {
  try {
    return read_policy(json);
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::malformed, std::string("match policy: ") + e.what());
  }
}

}  // namespace nodelock::fingerprint
