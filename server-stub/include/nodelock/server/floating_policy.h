// The terms of a floating license: how seats are counted and how long a lease
// lives without a heartbeat. Kept with the license (License::floating_policy)
// as JSON, so a license keeps the terms it was sold with.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// The typed tokens of a project-scoped license: a project with one user at a
// time may hold a mono or a team token, a project with several users needs a
// team token (project_tokens.h has the rule). The license's seats are their
// total.
struct ProjectTokens {
  int team = 0;
  int mono = 0;
  int total() const { return team + mono; }
};

struct FloatingPolicy {
  int grace_seats = 0;  // leases allowed beyond the seats, each marked as overage
  // A lease not renewed for this long is released; clients renew every third of it.
  int lease_ttl_seconds = 360;
  SeatScope scope = SeatScope::device;
  int max_borrow_days = 0;  // 0: seats cannot be taken offline
  // Scope project only. None: each project takes one seat, whoever is on it.
  std::optional<ProjectTokens> project_tokens;
};

// Bounds checked when a license is created.
inline constexpr int kMaxLeaseTtlSeconds = 7 * 86400;
inline constexpr int kMaxGraceSeats = 100000;
inline constexpr int kMaxBorrowDays = 365;
inline constexpr int kMaxProjectTokens = 1000000;

// {"team": N, "mono": N}; malformed when a field is missing, extra or not an integer.
nlohmann::json to_json(const ProjectTokens& tokens);
[[nodiscard]] Result<ProjectTokens> project_tokens_from_json(const nlohmann::json& json);

// "project_tokens" is present only when the policy has them.
nlohmann::json to_json(const FloatingPolicy& policy);
// malformed when a field is missing, extra or of the wrong type.
[[nodiscard]] Result<FloatingPolicy> floating_policy_from_json(const nlohmann::json& json);
// invalid_argument naming the first field out of bounds, or project tokens on
// a scope other than project.
[[nodiscard]] Status check_floating_policy(const FloatingPolicy& policy);

// The policy of a floating license; server_error when it is stored unreadably,
// invalid_argument when the license is not floating.
[[nodiscard]] Result<FloatingPolicy> floating_policy_of(const License& license);

// How often a client renews its lease: a third of the TTL, so two heartbeats
// may be lost before the lease expires.
int heartbeat_seconds(const FloatingPolicy& policy);

}  // namespace nodelock::server
