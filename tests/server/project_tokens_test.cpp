// Project tokens over HTTP against the real server: the worked example of
// docs/OPERATIONS.md ("Floating seat scopes and project tokens") step by step,
// grace seats beyond the tokens, and the terms refused at creation.
#include <map>
#include <set>
#include <string>
#include <utility>

#include "floating_fixture.h"

namespace nodelock::server::testing {
namespace {

using nlohmann::json;

enum class Move { check_out, release };

struct Step {
  Move move;
  const char* user;
  int machine;  // which of the user's machines
  const char* project;
  bool admitted;     // for a check-out
  const char* says;  // part of a refusal's message
};

class ProjectTokenTest : public FloatingTest {
 protected:
  IssuedKey create_with_tokens(int team, int mono, json terms = json::object()) {
    terms["seat_scope"] = "project";
    terms["project_tokens"] = {{"team", team}, {"mono", mono}};
    const IssuedKey license = create_floating(team + mono, std::move(terms));
    for (const char* user : {"u1", "u2", "u3", "u4", "u5", "u6"}) {
      Reply added = admin().post("/v1/licenses/" + license.id + "/users",
                                 {{"email", std::string(user) + "@example.com"}});
      EXPECT_EQ(added.status, 201) << added.body.dump();
    }
    return license;
  }

  Reply check_out_as(const std::string& user, int machine, const std::string& project,
                     const IssuedKey& license) {
    return check_out(machines_[{user, machine}].lease_request(license.key, "acme-cad", unix_now(),
                                                              user + "@example.com", project));
  }

  std::map<std::pair<std::string, int>, TestMachine> machines_;
};

TEST_F(ProjectTokenTest, TheWorkedExampleAdmitsAndRefusesExactlyAsDocumented) {
  const IssuedKey license = create_with_tokens(1, 2);
  const Step steps[] = {
      {Move::check_out, "u1", 0, "A", true, ""},
      {Move::check_out, "u2", 0, "A", true, ""},
      {Move::check_out, "u3", 0, "A", true, ""},
      {Move::check_out, "u4", 0, "B", true, ""},
      {Move::check_out, "u5", 0, "B", false,
       "Project B already has a user on its mono token (u4@example.com); a second user "
       "(u5@example.com) needs a team token, and the 1 team token is held by project A "
       "(u1@example.com, u2@example.com, u3@example.com)"},
      {Move::check_out, "u5", 0, "C", true, ""},
      {Move::check_out, "u4", 1, "B", true, ""},
      {Move::check_out, "u6", 0, "D", false, "all 3 project tokens (1 team, 2 mono) of license"},
      {Move::release, "u5", 0, "C", true, ""},
      {Move::check_out, "u6", 0, "D", true, ""},
      {Move::check_out, "u6", 0, "E", false,
       "are held by projects A (u1@example.com, "
       "u2@example.com, u3@example.com), B (u4@example.com), "
       "D (u6@example.com)"},
      {Move::release, "u1", 0, "A", true, ""},
      {Move::release, "u2", 0, "A", true, ""},
      {Move::check_out, "u5", 0, "B", true, ""},
  };
  std::map<std::pair<std::string, std::string>, TestLease> leases;  // (user, project)
  int number = 0;
  for (const Step& step : steps) {
    ++number;
    SCOPED_TRACE("step " + std::to_string(number) + ": " + step.user + " on " + step.project);
    if (step.move == Move::release) {
      ASSERT_EQ(release(leases.at({step.user, step.project})).status, 200);
      continue;
    }
    Reply reply = check_out_as(step.user, step.machine, step.project, license);
    if (step.admitted) {
      ASSERT_EQ(reply.status, 201) << reply.body.dump();
      EXPECT_FALSE(reply.body["overage"].get<bool>());
      leases[{step.user, step.project}] = {reply.body["lease_id"], reply.body["secret"], 0};
      continue;
    }
    EXPECT_EQ(reply.status, 409) << reply.body.dump();
    EXPECT_EQ(reply.code(), "seats_exhausted");
    const std::string message = reply.body["error"]["message"];
    EXPECT_NE(message.find(step.says), std::string::npos) << message;
  }
  // Left: A (u3), B (u4 on two machines, u5), D (u6).
  std::multiset<std::string> projects;
  for (const auto& lease : held(license.id)) projects.insert(lease["project"].get<std::string>());
  EXPECT_EQ(projects, (std::multiset<std::string>{"A", "B", "B", "B", "D"}));
}

TEST_F(ProjectTokenTest, AMonoOnlyLicenseAdmitsOneUserPerProject) {
  const IssuedKey license = create_with_tokens(0, 2);
  ASSERT_EQ(check_out_as("u1", 0, "A", license).status, 201);
  Reply second = check_out_as("u2", 0, "A", license);
  EXPECT_EQ(second.code(), "seats_exhausted");
  const std::string message = second.body["error"]["message"];
  EXPECT_NE(message.find("has none: each of its projects admits one user at a time"),
            std::string::npos)
      << message;
  EXPECT_EQ(check_out_as("u2", 0, "B", license).status, 201);
}

TEST_F(ProjectTokenTest, GraceSeatsLendProjectsBeyondTheTokensAsOverageButNoTeamToken) {
  const IssuedKey license = create_with_tokens(1, 1, {{"grace_seats", 1}});
  ASSERT_EQ(check_out_as("u1", 0, "A", license).status, 201);
  ASSERT_EQ(check_out_as("u2", 0, "A", license).status, 201);
  ASSERT_EQ(check_out_as("u3", 0, "B", license).status, 201);
  Reply lent = check_out_as("u4", 0, "C", license);
  ASSERT_EQ(lent.status, 201) << lent.body.dump();
  EXPECT_TRUE(lent.body["overage"].get<bool>());
  Reply joins = check_out_as("u5", 0, "C", license);
  EXPECT_EQ(joins.code(), "seats_exhausted") << "C needs a team token, and grace lends none";
  Reply full = check_out_as("u5", 0, "D", license);
  EXPECT_EQ(full.code(), "seats_exhausted");
  const std::string message = full.body["error"]["message"];
  EXPECT_NE(message.find("(1 team, 1 mono) and 1 grace seat of license"), std::string::npos)
      << message;
}

TEST_F(ProjectTokenTest, TheTokensAreShownWithTheLicense) {
  const IssuedKey license = create_with_tokens(1, 2);
  Reply shown = license_details(license.id);
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body["license"]["floating"]["project_tokens"], (json{{"team", 1}, {"mono", 2}}));
  EXPECT_EQ(shown.body["license"]["max_activations"], 3);
  Reply limit = admin().post("/v1/licenses/" + license.id + "/limit", {{"max_activations", 5}});
  EXPECT_EQ(limit.code(), "conflict") << limit.body.dump();
}

TEST_F(ProjectTokenTest, BadProjectTokensAreRefusedAndCreateNothing) {
  const json project = {{"seat_scope", "project"}};
  const std::pair<json, std::string> orders[] = {
      {{{"project_tokens", {{"team", "1"}, {"mono", 2}}}}, "malformed"},
      {{{"project_tokens", {{"team", 1}}}}, "malformed"},
      {{{"project_tokens", {{"team", 1}, {"mono", 2}, {"duo", 1}}}}, "malformed"},
      {{{"project_tokens", {{"team", -1}, {"mono", 4}}}}, "malformed"},
      {{{"project_tokens", {{"team", 1.5}, {"mono", 2}}}}, "malformed"},
      {{{"project_tokens", json::array({1, 2})}}, "malformed"},
      {{{"project_tokens", "team=1,mono=2"}}, "malformed"},
      {{{"project_tokens", {{"team", 0}, {"mono", 0}}}}, "invalid_argument"},
      {{{"project_tokens", {{"team", 1}, {"mono", 2}}}, {"max_activations", 5}},
       "invalid_argument"},
  };
  for (const auto& [terms, code] : orders) {
    json order = project;
    order.update(terms);
    order["product"] = "acme-cad";
    order["model"] = "floating";
    if (!order.contains("max_activations")) order["max_activations"] = 3;
    Reply refused = admin().post("/v1/licenses", order);
    EXPECT_EQ(refused.code(), code) << order.dump() << refused.body.dump();
  }
  Reply on_device = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                  {"model", "floating"},
                                                  {"max_activations", 3},
                                                  {"seat_scope", "device"},
                                                  {"project_tokens", {{"team", 1}, {"mono", 2}}}});
  EXPECT_EQ(on_device.code(), "invalid_argument") << on_device.body.dump();
  Reply node_locked =
      admin().post("/v1/licenses", {{"product", "acme-cad"},
                                    {"model", "node-locked"},
                                    {"max_activations", 3},
                                    {"project_tokens", {{"team", 1}, {"mono", 2}}}});
  EXPECT_EQ(node_locked.code(), "invalid_argument") << node_locked.body.dump();
  EXPECT_TRUE(admin().get("/v1/licenses").body["licenses"].empty());
}

}  // namespace
}  // namespace nodelock::server::testing
