// Floating leases of named license users through `nodelock admin users` and
// `nodelock lease` on simulated machines: removing a user ends their leases in
// the same change, their clients' next heartbeat says why, and a refused
// removal leaves every lease running.
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class FloatingUsersCliTest : public ServerTest {
 protected:
  // A floating license of three seats with anna and bob as users, anna on
  // the laptop and the desktop, bob on the virtual machine.
  void SetUp() override {
    ServerTest::SetUp();
    license_ = floating("--seats 3 --lease-ttl 600");
    for (const char* user : {"anna@example.com", "bob@example.com"}) {
      ASSERT_EQ(users(license_.id, "add --email " + std::string(user)).exit_code, 0) << user;
    }
    for (const Machine* machine : {&laptop_, &desktop_}) {
      ProcessResult held = check_out_as(*machine, license_.key, "anna@example.com", "--json");
      ASSERT_EQ(held.exit_code, 0) << held.out;
      annas_leases_.push_back(json_of(held)["lease_id"]);
    }
    ASSERT_EQ(check_out_as(vm_, license_.key, "bob@example.com").exit_code, 0);
  }

  // The ids of the leases the server still holds on the license.
  std::vector<std::string> held_leases() {
    std::vector<std::string> ids;
    const auto listed = json_of(admin_cli("sessions --license " + license_.id + " --json"));
    for (const auto& lease : listed["leases"]) ids.push_back(lease["id"]);
    return ids;
  }

  // The subjects of the audit entries of `action`, oldest first.
  std::vector<std::string> audited(const std::string& action) {
    std::vector<std::string> subjects;
    const auto log = json_of(admin_cli("audit list --json"));
    for (const auto& entry : log["entries"]) {
      if (entry["action"] == action) subjects.push_back(entry["subject"]);
    }
    return subjects;
  }

  const Machine laptop_{kLaptop, {}};
  const Machine desktop_{kDesktop, {}};
  const Machine vm_{kVirtualMachine, {}};
  IssuedKey license_;
  std::vector<std::string> annas_leases_;
};

TEST_F(FloatingUsersCliTest, RemovingAUserEndsTheirLeasesAndTheirNextHeartbeatSaysWhy) {
  ProcessResult removed = users(license_.id, "remove --email anna@example.com --json");
  ASSERT_EQ(removed.exit_code, 0) << removed.out;
  EXPECT_EQ(json_of(removed)["ended_leases"], nlohmann::json(annas_leases_));
  ASSERT_EQ(held_leases().size(), 1u) << "bob's lease runs on";
  EXPECT_EQ(audited("lease.user_removed"), annas_leases_);

  for (const Machine* machine : {&laptop_, &desktop_}) {
    ProcessResult ended = lease(*machine, "heartbeat", true);
    EXPECT_EQ(ended.exit_code, 1) << ended.out;
    EXPECT_NE(ended.out.find("because its user anna@example.com was removed from license " +
                             license_.id + "; contact your administrator"),
              std::string::npos)
        << ended.out;
  }
  EXPECT_EQ(lease(vm_, "heartbeat").exit_code, 0);

  ProcessResult again = check_out_as(laptop_, license_.key, "anna@example.com");
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("is not on license"), std::string::npos) << again.out;
  EXPECT_EQ(held_leases().size(), 1u);
}

TEST_F(FloatingUsersCliTest, TheRemovedUsersSessionsEndAsUserRemoved) {
  ASSERT_EQ(users(license_.id, "remove --email anna@example.com").exit_code, 0);
  ProcessResult report = admin_cli("report sessions --license " + license_.id + " --csv");
  ASSERT_EQ(report.exit_code, 0) << report.out;
  for (const std::string& id : annas_leases_) {
    const auto row = report.out.find(id);
    ASSERT_NE(row, std::string::npos) << report.out;
    EXPECT_NE(report.out.substr(row, report.out.find('\n', row) - row).find(",user_removed,"),
              std::string::npos)
        << report.out;
  }
}

TEST_F(FloatingUsersCliTest, ARefusedRemovalLeavesEveryLeaseRunning) {
  EXPECT_EQ(users(license_.id, "remove --email nobody@example.com").exit_code, 1);
  EXPECT_EQ(users(license_.id, "remove").exit_code, 2) << "no --email";
  ProcessResult token = admin_cli("token create --role viewer --json");
  ASSERT_EQ(token.exit_code, 0) << token.out;
  EXPECT_EQ(
      users(license_.id, "remove --email anna@example.com", json_of(token)["token"]).exit_code, 1)
      << "a viewer may not remove users";
  EXPECT_EQ(held_leases().size(), 3u);
  EXPECT_TRUE(audited("lease.user_removed").empty());
  for (const Machine* machine : {&laptop_, &desktop_, &vm_}) {
    EXPECT_EQ(lease(*machine, "heartbeat").exit_code, 0);
  }
}

}  // namespace
}  // namespace nodelock::server::testing
