// The floating terms as stored with a license: strict reading of the JSON,
// project tokens included, and the bounds checked at creation.
#include <gtest/gtest.h>

#include "nodelock/server/floating_policy.h"

namespace nodelock::server {
namespace {

using nlohmann::json;

json stored(json extra = json::object()) {
  json policy = {{"grace_seats", 1},
                 {"lease_ttl_seconds", 60},
                 {"seat_scope", "project"},
                 {"max_borrow_days", 0}};
  policy.update(extra);
  return policy;
}

TEST(FloatingPolicy, ProjectTokensAreStoredAndReadBack) {
  FloatingPolicy policy;
  policy.scope = SeatScope::project;
  policy.project_tokens = ProjectTokens{1, 2};
  auto read = floating_policy_from_json(to_json(policy));
  ASSERT_TRUE(read.ok()) << read.message();
  ASSERT_TRUE(read->project_tokens.has_value());
  EXPECT_EQ(read->project_tokens->team, 1);
  EXPECT_EQ(read->project_tokens->mono, 2);
  EXPECT_TRUE(check_floating_policy(*read).ok());
}

TEST(FloatingPolicy, ATermWithoutProjectTokensReadsAsBefore) {
  auto read = floating_policy_from_json(stored());
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_FALSE(read->project_tokens.has_value());
  EXPECT_FALSE(to_json(*read).contains("project_tokens"));
}

TEST(FloatingPolicy, MalformedProjectTokensAreRefused) {
  for (const json& tokens : {json{{"team", 1}}, json{{"team", 1}, {"mono", 2}, {"duo", 3}},
                             json{{"team", "1"}, {"mono", 2}}, json{{"team", -1}, {"mono", 2}},
                             json{{"team", 1}, {"mono", 2000000}}, json(3), json::array({1, 2})}) {
    auto read = floating_policy_from_json(stored({{"project_tokens", tokens}}));
    ASSERT_FALSE(read.ok()) << tokens.dump();
    EXPECT_EQ(read.code(), ErrorCode::malformed) << tokens.dump();
  }
}

TEST(FloatingPolicy, ProjectTokensNeedTheProjectScopeAndAtLeastOneToken) {
  FloatingPolicy policy;
  policy.project_tokens = ProjectTokens{1, 1};
  EXPECT_EQ(check_floating_policy(policy).code(), ErrorCode::invalid_argument);
  policy.scope = SeatScope::project;
  EXPECT_TRUE(check_floating_policy(policy).ok());
  policy.project_tokens = ProjectTokens{0, 0};
  EXPECT_EQ(check_floating_policy(policy).code(), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nodelock::server
