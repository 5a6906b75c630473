// Floating leases of named license users: disabling a user ends their leases
// at once, with the reason told to their clients.
#include "floating_fixture.h"

namespace nodelock::server::testing {
namespace {

class FloatingUsersTest : public FloatingTest {
 protected:
  void add_user(const IssuedKey& license, const std::string& email) {
    Reply added = admin().post("/v1/licenses/" + license.id + "/users", {{"email", email}});
    ASSERT_EQ(added.status, 201) << added.body.dump();
  }
};

TEST_F(FloatingUsersTest, DisablingAUserEndsTheirLeasesAtOnceAndRefusesTheirCheckOuts) {
  const IssuedKey license = create_floating(3, {{"lease_ttl", 600}});
  add_user(license, "ann@example.com");
  add_user(license, "bob@example.com");
  TestMachine laptop, desktop, bobs;
  TestLease on_laptop = hold(laptop, license, "ann@example.com");
  TestLease on_desktop = hold(desktop, license, "ann@example.com");
  TestLease bob = hold(bobs, license, "bob@example.com");
  ASSERT_EQ(heartbeat(on_laptop).status, 200);

  Reply disabled =
      admin().post("/v1/licenses/" + license.id + "/users/disable", {{"email", "ann@example.com"}});
  ASSERT_EQ(disabled.status, 200) << disabled.body.dump();
  EXPECT_EQ(disabled.body["ended_leases"], (nlohmann::json{on_laptop.id, on_desktop.id}));
  const nlohmann::json still = held(license.id);
  ASSERT_EQ(still.size(), 1u);
  EXPECT_EQ(still[0]["id"], bob.id);

  for (TestLease* lease : {&on_laptop, &on_desktop}) {
    Reply ended = heartbeat(*lease);
    EXPECT_EQ(ended.status, 410);
    EXPECT_EQ(ended.code(), "lease_ended");
    const std::string message = ended.body["error"]["message"];
    EXPECT_NE(message.find("its user ann@example.com was disabled on license " + license.id +
                           "; contact your administrator"),
              std::string::npos)
        << message;
  }
  EXPECT_EQ(heartbeat(bob).status, 200);

  Reply again = check_out(
      laptop.lease_request(license.key, "acme-cad", unix_now(), std::string("ann@example.com")));
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.code(), "user_disabled");
  EXPECT_EQ(held(license.id).size(), 1u);

  const nlohmann::json log = admin().get("/v1/audit").body["entries"];
  std::vector<std::string> ended_by_disable;
  for (const auto& entry : log) {
    if (entry["action"] == "lease.user_disabled") ended_by_disable.push_back(entry["subject"]);
  }
  EXPECT_EQ(ended_by_disable, (std::vector<std::string>{on_laptop.id, on_desktop.id}));
}

TEST_F(FloatingUsersTest, AnEnabledUserChecksOutAgain) {
  const IssuedKey license = create_floating(1);
  add_user(license, "ann@example.com");
  TestMachine laptop;
  TestLease first = hold(laptop, license, "ann@example.com");
  ASSERT_EQ(
      admin()
          .post("/v1/licenses/" + license.id + "/users/disable", {{"email", "ann@example.com"}})
          .status,
      200);
  ASSERT_EQ(
      admin()
          .post("/v1/licenses/" + license.id + "/users/enable", {{"email", "ann@example.com"}})
          .status,
      200);
  EXPECT_EQ(heartbeat(first).code(), "lease_ended") << "enabling gives no ended lease back";
  EXPECT_FALSE(hold(laptop, license, "ann@example.com").id.empty());
}

}  // namespace
}  // namespace nodelock::server::testing
