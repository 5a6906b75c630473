// Support requests end to end: resets, limits and tokens.
#include "nodelock/crypto/utc_time.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

// The server, and a token of the support role.
class SupportCliTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    support_ = support_token();
  }

  std::string support_;
};

TEST_F(SupportCliTest, StolenLaptopIsResetAndItsSeatGoesToTheReplacement) {
  const IssuedKey key = license("--max-activations 1");
  const Machine laptop{kLaptop, {}};
  const Machine replacement{kDesktop, {}};
  ProcessResult activated = activate(laptop, key.key);
  ASSERT_EQ(activated.exit_code, 0) << activated.out;
  const std::string activation_id = json_of(activated)["activation_id"];
  const std::string machine_id = json_of(activated)["machine_id"];
  EXPECT_EQ(activate(replacement, key.key).exit_code, 1) << "the license is full";

  ProcessResult devices = admin_cli("devices --license " + key.id, support_);
  EXPECT_EQ(devices.exit_code, 0);
  for (const std::string& shown : {activation_id, machine_id, std::string("bare_metal"),
                                   std::string("online"), std::string("active")}) {
    EXPECT_NE(devices.out.find(shown), std::string::npos) << shown << " in " << devices.out;
  }

  ProcessResult reset = admin_cli("reset --device " + activation_id, support_);
  EXPECT_EQ(reset.exit_code, 0) << reset.out;
  EXPECT_NE(reset.out.find("seat is free"), std::string::npos) << reset.out;
  EXPECT_EQ(activate(replacement, key.key).exit_code, 0)
      << "the freed seat goes to the new machine";

  expect_refused_from_now_on(laptop, "seat_reset", "contact support");

  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  ASSERT_FALSE(entries.empty());
  const auto& last_reset = entries[entries.size() - 2];
  EXPECT_EQ(last_reset["action"], "activation.reset");
  EXPECT_EQ(last_reset["subject"], activation_id);
  EXPECT_NE(last_reset["actor"], "device");
}

TEST_F(SupportCliTest, ResetsBeyondTheYearlyAllowanceNeedAnAdminOverride) {
  const IssuedKey key = license("--max-activations 3 --max-resets-per-year 1");
  const Machine first{kLaptop, {}};
  const Machine second{kDesktop, {}};
  const std::string a = json_of(activate(first, key.key))["activation_id"];
  const std::string b = json_of(activate(second, key.key))["activation_id"];
  EXPECT_EQ(admin_cli("reset --device " + a, support_).exit_code, 0);

  const std::string next_year_before = utc_date(unix_now() + 365 * 86400);
  ProcessResult refused = admin_cli("reset --device " + b + " --json", support_);
  const std::string next_year_after = utc_date(unix_now() + 365 * 86400);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(json_of(refused)["error"]["code"], "forbidden");
  const std::string message = json_of(refused)["error"]["message"];
  EXPECT_NE(message.find("--override"), std::string::npos);
  // Counted in the singular, with the date the next reset is possible, as a
  // transfer refusal gives it.
  EXPECT_NE(message.find("allows 1 device reset in 365 days and 1 was made, so the next is "
                         "possible on "),
            std::string::npos)
      << message;
  EXPECT_TRUE(message.find(next_year_before) != std::string::npos ||
              message.find(next_year_after) != std::string::npos)
      << message;
  EXPECT_EQ(admin_cli("reset --device " + b + " --override", support_).exit_code, 1)
      << "support may not override";
  EXPECT_EQ(admin_cli("reset --device " + b + " --override").exit_code, 0);
  EXPECT_EQ(license_details(key.id).body["seats"]["used"], 0);
  // The audit log tells the reset past the allowance from the ordinary one.
  const auto resets = audit_entries("activation.reset");
  ASSERT_EQ(resets.size(), 2u);
  EXPECT_FALSE(resets[0]["after"].contains("override")) << resets[0].dump();
  EXPECT_EQ(resets[1]["after"]["override"]["limits"], nlohmann::json({"max_resets_per_year"}))
      << resets[1].dump();
  EXPECT_EQ(resets[1]["after"]["override"]["by"], resets[1]["actor"]);
  EXPECT_NE(resets[1]["actor"], resets[0]["actor"]) << "an admin, not support";
}

TEST_F(SupportCliTest, ResetRefusesViewersAndSeatsAlreadyFree) {
  const IssuedKey key = license("--max-activations 2");
  const Machine laptop{kLaptop, {}};
  const std::string id = json_of(activate(laptop, key.key))["activation_id"];
  const std::string viewer = json_of(admin_cli("token create --role viewer --json"))["token"];
  EXPECT_EQ(admin_cli("reset --device " + id, viewer).exit_code, 1);
  EXPECT_EQ(admin_cli("reset --device " + id, support_).exit_code, 0);
  ProcessResult again = admin_cli("reset --device " + id + " --json", support_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(json_of(again)["error"]["code"], "conflict");
  EXPECT_EQ(admin_cli("reset --device act_nothing", support_).exit_code, 1);
  EXPECT_EQ(admin_cli("reset", support_).exit_code, 2);
}

TEST_F(SupportCliTest, LoweringALimitDropsNoMachineAndOnlyAnAdminMayRaiseIt) {
  const IssuedKey key = license("--max-activations 2");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine vm{kVirtualMachine, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  ASSERT_EQ(activate(desktop, key.key).exit_code, 0);

  ProcessResult lowered =
      admin_cli("license set-limit " + key.id + " --max-activations 1", support_);
  EXPECT_EQ(lowered.exit_code, 0) << lowered.out;
  EXPECT_NE(lowered.out.find("none is dropped"), std::string::npos) << lowered.out;
  EXPECT_EQ(license_details(key.id).body["seats"], nlohmann::json({{"used", 2}, {"max", 1}}));
  EXPECT_EQ(on(laptop, "refresh").exit_code, 0) << "an activated machine keeps working";
  EXPECT_EQ(activate(desktop, key.key).exit_code, 0)
      << "and keeps its seat when it activates again";
  EXPECT_EQ(activate(vm, key.key).exit_code, 1) << "a new machine is refused";

  ProcessResult raised =
      admin_cli("license set-limit " + key.id + " --max-activations 3 --json", support_);
  EXPECT_EQ(raised.exit_code, 1);
  EXPECT_EQ(json_of(raised)["error"]["code"], "forbidden");
  EXPECT_EQ(admin_cli("license set-limit " + key.id + " --max-activations 3").exit_code, 0);
  EXPECT_EQ(activate(vm, key.key).exit_code, 0);

  EXPECT_EQ(admin_cli("license set-limit " + key.id + " --max-activations 0").exit_code, 2);
  EXPECT_EQ(admin_cli("license set-limit " + key.id + " --max-activations many").exit_code, 2);
  EXPECT_EQ(admin_cli("license set-limit --max-activations 3").exit_code, 2);
  EXPECT_EQ(admin_cli("license set-limit lic_nothing --max-activations 3").exit_code, 1);
  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  int limit_changes = 0;
  for (const auto& entry : entries) limit_changes += entry["action"] == "license.limit";
  EXPECT_EQ(limit_changes, 2);
}

TEST_F(SupportCliTest, TokensAreListedWithoutSecretsAndARevokedTokenIsRefusedAtOnce) {
  ProcessResult listed = admin_cli("token list --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_EQ(listed.out.find("nla_"), std::string::npos) << "a token is listed";
  EXPECT_EQ(listed.out.find("hash"), std::string::npos) << "a token hash is listed";
  std::string support_id, admin_id;
  const nlohmann::json tokens = json_of(listed)["tokens"];
  for (const auto& token : tokens) {
    EXPECT_TRUE(token.contains("created_at"));
    (token["role"] == "support" ? support_id : admin_id) = token["id"].get<std::string>();
  }
  ASSERT_FALSE(support_id.empty()) << listed.out;
  ASSERT_FALSE(admin_id.empty());
  EXPECT_EQ(admin_cli("token list", support_).exit_code, 1);
  EXPECT_EQ(admin_cli("token revoke " + admin_id, support_).exit_code, 1);

  EXPECT_EQ(admin_cli("license list", support_).exit_code, 0);
  ProcessResult revoked = admin_cli("token revoke " + support_id);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.out;
  ProcessResult refused = admin_cli("license list --json", support_);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(json_of(refused)["error"]["code"], "unauthorized");

  ProcessResult last = admin_cli("token revoke " + admin_id + " --json");
  EXPECT_EQ(last.exit_code, 1);
  EXPECT_EQ(json_of(last)["error"]["code"], "conflict");
  EXPECT_EQ(admin_cli("token revoke tok_nothing").exit_code, 1);
  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  bool recorded = false;
  for (const auto& entry : entries) {
    recorded = recorded || (entry["action"] == "token.revoke" && entry["subject"] == support_id &&
                            entry["actor"] == admin_id);
  }
  EXPECT_TRUE(recorded);
}

}  // namespace
}  // namespace nodelock::server::testing
