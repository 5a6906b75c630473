#include "nodelock/server/floating_policy.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "nodelock/activation/json_fields.h"

namespace nodelock::server {

nlohmann::json to_json(const ProjectTokens& tokens) {
  return {{"team", tokens.team}, {"mono", tokens.mono}};
}

Result<ProjectTokens> project_tokens_from_json(const nlohmann::json& json) {
  FieldReader in(json, "project tokens");
  ProjectTokens tokens;
  const auto count = [&in](const char* name) {
    const std::int64_t value = in.integer(name);
    if (!in.failed() && (value < 0 || value > kMaxProjectTokens)) {
      in.fail(std::string("\"") + name + "\" must be between 0 and " +
              std::to_string(kMaxProjectTokens));
    }
    return static_cast<int>(value);
  };
  tokens.team = count("team");
  tokens.mono = count("mono");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return tokens;
}

nlohmann::json to_json(const FloatingPolicy& policy) {
  nlohmann::json json = {{"grace_seats", policy.grace_seats},
                         {"lease_ttl_seconds", policy.lease_ttl_seconds},
                         {"seat_scope", seat_scope_name(policy.scope)},
                         {"max_borrow_days", policy.max_borrow_days}};
  if (policy.project_tokens) json["project_tokens"] = to_json(*policy.project_tokens);
  return json;
}

Result<FloatingPolicy> floating_policy_from_json(const nlohmann::json& json) {
  FieldReader in(json, "floating policy");
  FloatingPolicy policy;
  policy.grace_seats = static_cast<int>(in.integer("grace_seats"));
  policy.lease_ttl_seconds = static_cast<int>(in.integer("lease_ttl_seconds"));
  const auto scope = seat_scope_from_name(in.string("seat_scope"));
  if (!in.failed() && !scope) in.fail("\"seat_scope\" must be user, device or project");
  policy.scope = scope.value_or(SeatScope::device);
  policy.max_borrow_days = static_cast<int>(in.integer("max_borrow_days"));
  const nlohmann::json* tokens = in.optional_object("project_tokens");
  if (Status read = in.finish(); !read.ok()) return read.error();
  if (tokens) {
    auto read = project_tokens_from_json(*tokens);
    if (!read.ok()) return read.error();
    policy.project_tokens = *read;
  }
  return policy;
}

Status check_floating_policy(const FloatingPolicy& policy) {
  const auto out_of = [](const char* field, int value, int low, int high) -> Status {
    if (value >= low && value <= high) return {};
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be between " + std::to_string(low) + " and " +
                          std::to_string(high) + ", not " + std::to_string(value));
  };
  for (Status check : {out_of("grace_seats", policy.grace_seats, 0, kMaxGraceSeats),
                       out_of("lease_ttl", policy.lease_ttl_seconds, 1, kMaxLeaseTtlSeconds),
                       out_of("max_borrow_days", policy.max_borrow_days, 0, kMaxBorrowDays)}) {
    if (!check.ok()) return check;
  }
  if (!policy.project_tokens) return {};
  if (policy.scope != SeatScope::project) {
    return make_error(ErrorCode::invalid_argument,
                      "project tokens count the seats of a license with seat scope project, "
                      "not " +
                          std::string(seat_scope_name(policy.scope)));
  }
  const ProjectTokens& tokens = *policy.project_tokens;
  if (tokens.team < 0 || tokens.mono < 0 || tokens.total() < 1 ||
      tokens.total() > kMaxProjectTokens) {
    return make_error(ErrorCode::invalid_argument,
                      "project tokens must be at least 1 in all, and at most " +
                          std::to_string(kMaxProjectTokens) + ": team " +
                          std::to_string(tokens.team) + ", mono " + std::to_string(tokens.mono));
  }
  return {};
}

Result<FloatingPolicy> floating_policy_of(const License& license) {
  if (license.model != SeatModel::floating) {
    return make_error(ErrorCode::invalid_argument,
                      "license " + license.id + " is " +
                          std::string(seat_model_name(license.model)) +
                          ", not floating; it is activated with `nodelock activate`");
  }
  if (license.floating_policy.empty()) return FloatingPolicy{};
  auto policy =
      floating_policy_from_json(nlohmann::json::parse(license.floating_policy, nullptr, false));
  if (policy.ok()) return policy;
  return make_error(ErrorCode::server_error, "the floating terms of license " + license.id +
                                                 " are stored unreadably; contact the vendor");
}

int heartbeat_seconds(const FloatingPolicy& policy) {
  return std::max(1, policy.lease_ttl_seconds / 3);
}

}  // namespace nodelock::server
