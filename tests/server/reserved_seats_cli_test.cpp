// Reserved seats end to end: `nodelock admin users add --reserved|reserve|
// unreserve` against a real server and `nodelock lease checkout` on simulated
// machines: the reserved user gets into a full license, others are refused
// while the seat is kept free and told for whom, at most one reservation per
// seat, the reserved user does not queue, roles, audit and bad input.
#include <chrono>
#include <set>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class ReservedSeatsCliTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    support_ = support_token();
  }

  // A floating license of `flags` with bob and carol as users and anna on a
  // reserved seat.
  IssuedKey with_anna_reserved(const std::string& flags) {
    license_ = floating(flags);
    for (const char* user : {"bob@example.com", "carol@example.com", "dave@example.com"}) {
      EXPECT_EQ(users("add --email " + std::string(user)).exit_code, 0) << user;
    }
    ProcessResult reserved = users("add --email anna@example.com --reserved");
    EXPECT_EQ(reserved.exit_code, 0) << reserved.out;
    return license_;
  }

  ProcessResult users(const std::string& words, const std::string& token = "") {
    return ServerTest::users(license_.id, words, token.empty() ? support_ : token);
  }
  ProcessResult check_out_as(const Machine& machine, const std::string& user,
                             const std::string& flags = "") {
    return ServerTest::check_out_as(machine, license_.key, user, flags);
  }

  // The users listed with a reserved seat.
  std::set<std::string> reserved_users() {
    std::set<std::string> reserved;
    const auto listed = json_of(users("list --json"));
    for (const auto& user : listed["users"]) {
      if (user["reserved"] == true) reserved.insert(user["email"].get<std::string>());
    }
    return reserved;
  }

  std::size_t sessions() {
    return json_of(admin_cli("sessions --license " + license_.id + " --json"))["leases"].size();
  }

  const Machine laptop_{kLaptop, {}};
  const Machine desktop_{kDesktop, {}};
  const Machine server_room_{kVirtualMachine, {}};
  const Machine cloud_{kCloud, {}};
  std::string support_;
  IssuedKey license_;
};

TEST_F(ReservedSeatsCliTest, TheReservedUserGetsIntoALicenseFullForEveryoneElse) {
  with_anna_reserved("--seats 2 --grace-seats 1 --lease-ttl 60");
  ASSERT_EQ(check_out_as(laptop_, "bob@example.com").exit_code, 0);
  ProcessResult grace = check_out_as(desktop_, "carol@example.com", "--json");
  ASSERT_EQ(grace.exit_code, 0) << grace.out;
  EXPECT_EQ(json_of(grace)["overage"], true) << "others get grace seats as before";
  EXPECT_EQ(check_out_as(server_room_, "dave@example.com").exit_code, 1);

  ProcessResult anna = check_out_as(cloud_, "anna@example.com", "--json");
  EXPECT_EQ(anna.exit_code, 0) << anna.out;
  EXPECT_EQ(json_of(anna)["overage"], false) << "her seat is one of the license's";
  EXPECT_EQ(sessions(), 3u);
}

TEST_F(ReservedSeatsCliTest, OthersAreRefusedWhileTheReservedSeatIsFreeAndToldForWhom) {
  with_anna_reserved("--seats 2 --lease-ttl 60");
  ASSERT_EQ(check_out_as(laptop_, "bob@example.com").exit_code, 0);
  ProcessResult refused = check_out_as(desktop_, "carol@example.com");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("2 seats, 1 in use"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("1 seat is reserved for named users: anna@example.com (kept free "
                             "for them)"),
            std::string::npos)
      << refused.out;
  EXPECT_EQ(sessions(), 1u);

  ProcessResult shown = admin_cli("license show " + license_.id);
  EXPECT_NE(shown.out.find("reserved seats: 1 of 2, for anna@example.com"), std::string::npos)
      << shown.out;
  ProcessResult listed = users("list");
  EXPECT_NE(listed.out.find("anna@example.com  enabled  0 activated, no limit of their own, a "
                            "reserved floating seat"),
            std::string::npos)
      << listed.out;
  EXPECT_EQ(reserved_users(), std::set<std::string>{"anna@example.com"});

  ASSERT_EQ(users("unreserve --email anna@example.com").exit_code, 0);
  EXPECT_EQ(check_out_as(desktop_, "carol@example.com").exit_code, 0)
      << "an unreserved seat is anyone's";
}

TEST_F(ReservedSeatsCliTest, AtMostOneReservationPerSeatAndTheRefusalGivesTheNumbers) {
  with_anna_reserved("--seats 2");
  ASSERT_EQ(users("reserve --email bob@example.com").exit_code, 0);
  ProcessResult refused = users("reserve --email carol@example.com");
  EXPECT_EQ(refused.exit_code, 1);
  ProcessResult added = users("add --email erin@example.com --reserved --json");
  EXPECT_EQ(added.exit_code, 1);
  const std::string message = json_of(added)["error"].value("message", "");
  EXPECT_NE(message.find("has 2 seats and 2 of them are reserved already (for anna@example.com, "
                         "bob@example.com); a seat cannot be reserved for erin@example.com too"),
            std::string::npos)
      << message;
  EXPECT_EQ(json_of(users("list --json"))["users"].size(), 4u) << "the refusal added nobody";
  EXPECT_EQ(reserved_users(), (std::set<std::string>{"anna@example.com", "bob@example.com"}));
}

TEST_F(ReservedSeatsCliTest, TheSeatsCannotBeLoweredBelowTheReservations) {
  with_anna_reserved("--seats 3");
  ASSERT_EQ(users("reserve --email bob@example.com").exit_code, 0);
  ASSERT_EQ(users("disable --email bob@example.com").exit_code, 0);
  const auto seats = [&] {
    return json_of(admin_cli("license show " + license_.id + " --json"))["license"].value(
        "max_activations", 0);
  };
  ProcessResult refused =
      admin_cli("license set-limit " + license_.id + " --max-activations 1 --json");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  const std::string message = json_of(refused)["error"].value("message", "");
  EXPECT_NE(message.find("has 2 seats reserved for named users (anna@example.com, "
                         "bob@example.com), so its seats cannot be lowered to 1"),
            std::string::npos)
      << "a disabled user's reservation counts too, it comes back with them: " << message;
  EXPECT_NE(message.find("Release 1 of the reservations first (nodelock admin users unreserve "
                         "--license " +
                         license_.id + " --email EMAIL)"),
            std::string::npos)
      << message;
  EXPECT_EQ(seats(), 3) << "the refusal changed nothing";
  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  EXPECT_NE(entries.back()["action"], "license.limit") << entries.back().dump();

  ASSERT_EQ(admin_cli("license set-limit " + license_.id + " --max-activations 2").exit_code, 0)
      << "as many seats as reservations is allowed";
  EXPECT_EQ(seats(), 2);
  ASSERT_EQ(users("unreserve --email bob@example.com").exit_code, 0);
  ASSERT_EQ(admin_cli("license set-limit " + license_.id + " --max-activations 1").exit_code, 0);
  EXPECT_EQ(seats(), 1);
}

TEST_F(ReservedSeatsCliTest, TheReservedUserDoesNotQueueAndGoesAheadOfTheWaiters) {
  with_anna_reserved("--seats 2 --lease-ttl 60");
  ASSERT_EQ(check_out_as(laptop_, "bob@example.com").exit_code, 0);
  ChildProcess waiting(shell(check_out_command(
      desktop_, license_.key, "--user carol@example.com --wait --wait-timeout 30")));
  ASSERT_TRUE(waiting.wait_for_output("waiting for a seat", std::chrono::seconds(20)));
  const auto started = std::chrono::steady_clock::now();
  ProcessResult anna = check_out_as(cloud_, "anna@example.com", "--wait --wait-timeout 30");
  EXPECT_EQ(anna.exit_code, 0) << anna.out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(anna.out.find("waiting for a seat"), std::string::npos) << anna.out;

  ASSERT_EQ(lease(laptop_, "release").exit_code, 0);
  const ProcessResult carol = waiting.finish();
  EXPECT_EQ(carol.exit_code, 0) << carol.out;
  EXPECT_NE(carol.out.find("waiting for a seat: position 1 of 1"), std::string::npos) << carol.out;
  EXPECT_EQ(sessions(), 2u);
}

TEST_F(ReservedSeatsCliTest, AViewerCannotReserveAndEachChangeIsAudited) {
  with_anna_reserved("--seats 2");
  ProcessResult token = admin_cli("token create --role viewer --json");
  ASSERT_EQ(token.exit_code, 0);
  const std::string viewer = json_of(token)["token"];
  EXPECT_EQ(users("reserve --email bob@example.com", viewer).exit_code, 1);
  EXPECT_EQ(users("unreserve --email anna@example.com", viewer).exit_code, 1);
  EXPECT_EQ(users("add --email erin@example.com --reserved", viewer).exit_code, 1);
  EXPECT_EQ(users("list", viewer).exit_code, 0) << "a viewer still reads them";

  ASSERT_EQ(users("reserve --email bob@example.com").exit_code, 0);
  ASSERT_EQ(users("unreserve --email bob@example.com").exit_code, 0);
  const auto entries = json_of(admin_cli("audit list --json"))["entries"];
  std::vector<std::string> actions;
  for (const auto& entry : entries) {
    const std::string subject = entry.value("subject", "");
    if (subject.find("@example.com") != std::string::npos) actions.push_back(entry["action"]);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"user.add", "user.add", "user.add", "user.add",
                                               "user.reserve", "user.unreserve"}));
  EXPECT_EQ(entries.back()["before"]["reserved"], true) << entries.back().dump();
  EXPECT_FALSE(entries.back()["after"].contains("reserved")) << entries.back().dump();
}

TEST_F(ReservedSeatsCliTest, BadReservationsAreRefusedAndChangeNothing) {
  with_anna_reserved("--seats 2");
  EXPECT_EQ(users("reserve --email anna@example.com").exit_code, 1) << "already reserved";
  EXPECT_EQ(users("unreserve --email bob@example.com").exit_code, 1) << "not reserved";
  EXPECT_EQ(users("reserve --email nobody@example.com").exit_code, 1) << "not a user";
  EXPECT_EQ(users("reserve").exit_code, 2) << "no --email";
  EXPECT_EQ(users("add --email erin@example.com --reserved=yes").exit_code, 2);
  EXPECT_EQ(reserved_users(), std::set<std::string>{"anna@example.com"});
  Reply typed = admin().post("/v1/licenses/" + license_.id + "/users",
                             {{"email", "erin@example.com"}, {"reserved", "yes"}});
  EXPECT_EQ(typed.code(), "malformed") << typed.body.dump();

  license_ = {json_of(admin_cli("license create --product acme-cad --max-activations 2 --json"))
                  .value("id", ""),
              ""};
  ProcessResult node_locked = users("add --email anna@example.com --reserved --json");
  EXPECT_EQ(node_locked.exit_code, 1);
  EXPECT_NE(json_of(node_locked)["error"].value("message", "").find("is not floating"),
            std::string::npos)
      << node_locked.out;
  license_ = floating("--seat-scope project --seats 2");
  ProcessResult by_project = users("add --email anna@example.com --reserved --json");
  EXPECT_EQ(by_project.exit_code, 1);
  EXPECT_NE(json_of(by_project)["error"].value("message", "").find("by project, not by person"),
            std::string::npos)
      << by_project.out;
  EXPECT_TRUE(json_of(users("list --json"))["users"].empty());
}

}  // namespace
}  // namespace nodelock::server::testing
