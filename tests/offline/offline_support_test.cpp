// Support's side of the air-gapped loop: who the audit log names for an offline
// answer, where `offline respond` finds its token, and activating a license
// with named users by files.
#include <cstdlib>

#include "offline_fixture.h"
#include "scoped_variable.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OfflineSupport : public OfflineTest {
 protected:
  json activations(const std::string& license_id) {
    return admin().get("/v1/licenses/" + license_id + "/activations").body["activations"];
  }

  // The audit entries about `subject`, oldest first.
  std::vector<json> audit_of(const std::string& subject) {
    std::vector<json> entries;
    const json log = admin().get("/v1/audit").body["entries"];
    for (const json& entry : log) {
      if (entry["subject"] == subject) entries.push_back(entry);
    }
    return entries;
  }

  std::string admin_token_id() {
    const json tokens = admin().get("/v1/admin-tokens").body["tokens"];
    EXPECT_EQ(tokens.size(), 1u) << tokens.dump();
    return tokens.empty() ? std::string() : tokens[0]["id"].get<std::string>();
  }

  ProcessResult respond_without_token_flag(const fs::path& in, const fs::path& out) const {
    return connected(
        {"offline", "respond", in.string(), "--server", server_.url(), "--out", out.string()});
  }
};

TEST_F(OfflineSupport, AnOfflineAnswerIsAuditedAsTheSupportTokenThatSubmittedIt) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  respond(file("a.nlreq"), file("a.nlres"));

  const json seats = activations(license.id);
  ASSERT_EQ(seats.size(), 1u);
  const std::vector<json> entries = audit_of(seats[0]["id"]);
  ASSERT_EQ(entries.size(), 1u) << json(entries).dump();
  EXPECT_EQ(entries[0]["action"], "activation.create");
  EXPECT_EQ(entries[0]["actor"], admin_token_id())
      << "a seat support recorded from a file must name support's token, not the machine";
}

TEST_F(OfflineSupport, AnOnlineActivationIsStillAuditedAsTheDevice) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine desktop = machine("desktop-two-nics");
  const ProcessResult activated =
      connected(on(desktop, {"activate", "--server", server_.url(), "--key", license.key}));
  ASSERT_EQ(activated.exit_code, 0) << activated.err;
  const std::vector<json> entries = audit_of(activations(license.id)[0]["id"]);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["actor"], "device");
}

TEST_F(OfflineSupport, RespondReadsTheTokenFromTheEnvironmentWhenNoTokenFlagIsGiven) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  const nodelock::testing::ScopedVariable token("NODELOCK_ADMIN_TOKEN", server_.admin_token());
  const ProcessResult answered = respond_without_token_flag(file("a.nlreq"), file("a.nlres"));
  ASSERT_EQ(answered.exit_code, 0) << answered.err;
  EXPECT_EQ(seats_used(license.id), 1);
  install(laptop, file("a.nlres"));
  EXPECT_EQ(air_gapped(on(laptop, {"status"})).exit_code, 0);
}

TEST_F(OfflineSupport, RespondWithoutAnyTokenIsAUsageErrorAndRecordsNothing) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  ::unsetenv("NODELOCK_ADMIN_TOKEN");
  const ProcessResult refused = respond_without_token_flag(file("a.nlreq"), file("a.nlres"));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(contains(refused.err, "NODELOCK_ADMIN_TOKEN")) << refused.err;
  EXPECT_FALSE(fs::exists(file("a.nlres")));
  EXPECT_EQ(seats_used(license.id), 0);
}

TEST_F(OfflineSupport, TheTokenFlagWinsOverTheEnvironment) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  const nodelock::testing::ScopedVariable stale("NODELOCK_ADMIN_TOKEN", "nla_not-a-token");
  const ProcessResult answered = respond_run(file("a.nlreq"), file("a.nlres"));
  EXPECT_EQ(answered.exit_code, 0) << answered.err;
  const ProcessResult refused = respond_without_token_flag(file("a.nlreq"), file("b.nlres"));
  EXPECT_EQ(refused.exit_code, 1) << "the stale variable must be refused when no flag is given";
  EXPECT_TRUE(contains(refused.err, "admin token is not valid")) << refused.err;
  EXPECT_FALSE(fs::exists(file("b.nlres")));
}

TEST_F(OfflineSupport, ALicenseWithNamedUsersIsActivatedOfflineForTheUserTheRequestNames) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  ASSERT_EQ(
      admin().post("/v1/licenses/" + license.id + "/users", {{"email", "anna@example.com"}}).status,
      201);
  const SiteMachine laptop = machine("laptop-wifi-docker");
  const ProcessResult made =
      air_gapped(on(laptop, {"offline", "request", "--key", license.key, "--user",
                             "Anna@Example.com", "--out", file("a.nlreq").string()}));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const ProcessResult inspected =
      connected({"offline", "inspect", file("a.nlreq").string(), "--json"});
  EXPECT_EQ(json::parse(inspected.out)["payload"]["user"], "anna@example.com")
      << "the address is signed in its normal form";

  respond(file("a.nlreq"), file("a.nlres"));
  install(laptop, file("a.nlres"));
  EXPECT_EQ(air_gapped(on(laptop, {"status"})).exit_code, 0);
  EXPECT_EQ(activations(license.id)[0]["user"], "anna@example.com");
}

TEST_F(OfflineSupport, AnOfflineRequestNamingNoUserOrAStrangerIsRefusedAndTakesNoSeat) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  ASSERT_EQ(
      admin().post("/v1/licenses/" + license.id + "/users", {{"email", "anna@example.com"}}).status,
      201);
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("nobody.nlreq"));
  const ProcessResult nobody = respond_run(file("nobody.nlreq"), file("nobody.nlres"));
  EXPECT_EQ(nobody.exit_code, 1) << nobody.err;
  EXPECT_FALSE(fs::exists(file("nobody.nlres")));

  ASSERT_EQ(air_gapped(on(laptop, {"offline", "request", "--key", license.key, "--user",
                                   "bob@example.com", "--out", file("bob.nlreq").string()}))
                .exit_code,
            0);
  const ProcessResult stranger = respond_run(file("bob.nlreq"), file("bob.nlres"));
  EXPECT_EQ(stranger.exit_code, 1) << stranger.err;
  EXPECT_TRUE(contains(stranger.err, "bob@example.com")) << stranger.err;
  EXPECT_FALSE(fs::exists(file("bob.nlres")));
  EXPECT_EQ(seats_used(license.id), 0);
}

TEST_F(OfflineSupport, AMistypedUserIsRefusedOnTheMachineBeforeAnyFileIsWritten) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  const DirectoryState before = state_of(laptop.store);
  const ProcessResult refused =
      air_gapped(on(laptop, {"offline", "request", "--key", license.key, "--user", "anna", "--out",
                             file("a.nlreq").string()}));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(contains(refused.err, "not an e-mail address")) << refused.err;
  EXPECT_FALSE(fs::exists(file("a.nlreq")));
  EXPECT_EQ(state_of(laptop.store), before);
}

TEST_F(OfflineSupport, ARenewalTakesNoUser) {
  const SiteMachine laptop = machine("laptop-wifi-docker");
  const ProcessResult refused =
      air_gapped(on(laptop, {"offline", "request", "--renew", "--user", "anna@example.com", "--out",
                             file("r.nlreq").string()}));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_FALSE(fs::exists(file("r.nlreq")));
}

}  // namespace
}  // namespace nodelock::offline::testing
