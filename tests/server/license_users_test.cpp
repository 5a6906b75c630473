// License users end to end: `nodelock admin users` against a real server and
// `nodelock activate --user` on simulated machines (fixture system trees).
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

std::string error_code(const ProcessResult& run) { return json_of(run)["error"].value("code", ""); }
std::string error_message(const ProcessResult& run) {
  return json_of(run)["error"].value("message", "");
}

class LicenseUsersCliTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    support_ = support_token();
    license_ = license("--max-activations 5");
  }

  ProcessResult activate(const Machine& machine, const std::string& user) {
    return on(machine, "activate --server " + server_.url() + " --key " + license_.key +
                           (user.empty() ? "" : " --user " + user));
  }
  ProcessResult users(const std::string& words, const std::string& token = "") {
    return admin_cli("users " + words + " --license " + license_.id,
                     token.empty() ? support_ : token);
  }

  std::string support_;
  IssuedKey license_;
};

TEST_F(LicenseUsersCliTest, SupportAddsAnnaAndOnlyNamedUsersMayActivate) {
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ProcessResult added = users("add --email Anna@Example.com --max-activations 2");
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("anna@example.com"), std::string::npos) << added.out;
  EXPECT_EQ(users("add --email anna@example.com").exit_code, 1) << "the same user twice";

  ProcessResult unnamed = activate(laptop, "");
  EXPECT_EQ(unnamed.exit_code, 1);
  EXPECT_NE(error_message(unnamed).find("--user"), std::string::npos) << unnamed.out;
  ProcessResult stranger = activate(laptop, "bob@example.com");
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(error_message(stranger).find("user bob@example.com is not on license " + license_.id +
                                         "; ask your administrator to add you"),
            std::string::npos)
      << stranger.out;

  ProcessResult activated = activate(laptop, "ANNA@example.com");
  ASSERT_EQ(activated.exit_code, 0) << activated.out;
  ProcessResult devices = admin_cli("devices --license " + license_.id, support_);
  EXPECT_NE(devices.out.find("user anna@example.com"), std::string::npos) << devices.out;

  ProcessResult listed = users("list --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  const auto all = json_of(listed)["users"];
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["email"], "anna@example.com");
  EXPECT_EQ(all[0]["max_activations"], 2);
  EXPECT_EQ(all[0]["seats_used"], 1);
  EXPECT_EQ(all[0]["disabled"], false);
  EXPECT_EQ(activate(desktop, "anna@example.com").exit_code, 0);
}

TEST_F(LicenseUsersCliTest, AUsersOwnLimitIsRefusedWithTheNumbers) {
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ASSERT_EQ(users("add --email anna@example.com --max-activations 1").exit_code, 0);
  ASSERT_EQ(activate(laptop, "anna@example.com").exit_code, 0);
  EXPECT_EQ(activate(laptop, "anna@example.com").exit_code, 0)
      << "the same machine activating again keeps its seat";
  ProcessResult refused = activate(desktop, "anna@example.com");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(error_code(refused), "activation_limit");
  EXPECT_NE(error_message(refused).find("already uses 1 of their 1 activations"), std::string::npos)
      << refused.out;
  EXPECT_EQ(license_details(license_.id).body["seats"]["used"], 1);
  ProcessResult too_many = users("add --email bob@example.com --max-activations 6 --json");
  EXPECT_EQ(too_many.exit_code, 2) << "a value out of bounds is a usage error";
  EXPECT_EQ(error_code(too_many), "invalid_argument") << "above the license's own 5";
}

TEST_F(LicenseUsersCliTest, DisablingAUserFreesTheirSeatsAtOnceAndRefusesTheirMachines) {
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine other{kVirtualMachine, {}};
  ASSERT_EQ(users("add --email anna@example.com").exit_code, 0);
  ASSERT_EQ(users("add --email bob@example.com").exit_code, 0);
  ASSERT_EQ(activate(laptop, "anna@example.com").exit_code, 0);
  ASSERT_EQ(activate(desktop, "anna@example.com").exit_code, 0);
  ASSERT_EQ(activate(other, "bob@example.com").exit_code, 0);

  ProcessResult disabled = users("disable --email anna@example.com");
  ASSERT_EQ(disabled.exit_code, 0) << disabled.out;
  EXPECT_NE(disabled.out.find("2 of their seats are free now"), std::string::npos) << disabled.out;
  EXPECT_EQ(license_details(license_.id).body["seats"]["used"], 1) << "bob keeps his seat";

  ProcessResult checkin = on(laptop, "refresh");
  EXPECT_EQ(checkin.exit_code, 1);
  EXPECT_EQ(error_code(checkin), "user_disabled") << checkin.out;
  EXPECT_NE(error_message(checkin).find("contact your administrator"), std::string::npos);
  ProcessResult status = on(laptop, "status");
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(json_of(status).value("message", "").find("contact your administrator"),
            std::string::npos)
      << status.out;
  ProcessResult again = activate(desktop, "anna@example.com");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(error_code(again), "user_disabled") << again.out;
  EXPECT_EQ(on(other, "refresh").exit_code, 0) << "another user's machine is untouched";

  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  int freed = 0;
  for (const auto& entry : entries) {
    if (entry["action"] == "activation.reset" && entry["actor"] != "device") ++freed;
  }
  EXPECT_EQ(freed, 2) << "each freed seat is audited";
  EXPECT_EQ(entries[entries.size() - 1]["action"], "user.disable");

  ASSERT_EQ(users("enable --email anna@example.com").exit_code, 0);
  EXPECT_EQ(activate(desktop, "anna@example.com").exit_code, 0) << "enabled again";
}

TEST_F(LicenseUsersCliTest, RemovingAUserWhoHoldsSeatsNeedsFreeSeats) {
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(users("add --email anna@example.com").exit_code, 0);
  ASSERT_EQ(activate(laptop, "anna@example.com").exit_code, 0);
  ProcessResult refused = users("remove --email anna@example.com --json");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(error_code(refused), "conflict");
  EXPECT_NE(error_message(refused).find("--free-seats"), std::string::npos) << refused.out;
  EXPECT_EQ(users("remove --email anna@example.com --free-seats").exit_code, 0);
  EXPECT_EQ(license_details(license_.id).body["seats"]["used"], 0);
  EXPECT_EQ(json_of(users("list --json"))["users"].size(), 0u);
}

TEST_F(LicenseUsersCliTest, ViewersMayListUsersButNotChangeThem) {
  const std::string viewer = json_of(admin_cli("token create --role viewer --json"))["token"];
  ProcessResult add = users("add --email anna@example.com --json", viewer);
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_EQ(error_code(add), "forbidden");
  ASSERT_EQ(users("add --email anna@example.com").exit_code, 0);
  EXPECT_EQ(users("list", viewer).exit_code, 0);
  EXPECT_EQ(users("disable --email anna@example.com", viewer).exit_code, 1);
  ProcessResult bad = users("add --email not-an-address --json");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(error_code(bad), "invalid_argument");
}

}  // namespace
}  // namespace nodelock::server::testing
