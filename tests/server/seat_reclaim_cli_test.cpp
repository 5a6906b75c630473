// Seat reclamation end to end: `nodelock admin` sets the threshold and lists
// what was reclaimed, and the built `nodelock` on a simulated machine (a
// fixture system tree) hears why its seat is gone and takes a new one.
#include <chrono>
#include <thread>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

// A server on the test clock that reclaims idle seats every second of it.
class SeatReclaimCliTest : public ServerTest {
 protected:
  SeatReclaimCliTest()
      : ServerTest(ServerProcess::Options{{}, {"--reclaim-interval", "1"}},
                   ServerTime::test_clock) {}
};

TEST_F(SeatReclaimCliTest, AReclaimedMachineIsToldWhyAndActivatesAgain) {
  const IssuedKey key = license("--max-activations 1 --reclaim-after 2s");
  ProcessResult shown = admin_cli("license show " + key.id);
  EXPECT_NE(shown.out.find("seat reclamation: frees the seat of a machine with no check-in for "
                           "more than 2 seconds"),
            std::string::npos)
      << shown.out;
  const Machine laptop{kLaptop, {}};
  ProcessResult activated = on(laptop, "activate --server " + server_.url() + " --key " + key.key);
  ASSERT_EQ(activated.exit_code, 0) << activated.out;
  const std::string activation_id = json_of(activated)["activation_id"];
  clock_.advance(std::chrono::seconds(3));

  ProcessResult listed;
  for (int attempt = 0; attempt < 180; ++attempt) {
    listed = admin_cli("devices --license " + key.id + " --state reclaimed");
    if (listed.out.find(activation_id) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(listed.out.find(activation_id), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("without a check-in"), std::string::npos) << listed.out;
  EXPECT_NE(admin_cli("devices --license " + key.id + " --state active").out.find("No machines"),
            std::string::npos);

  ProcessResult refused = on(laptop, "refresh");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(json_of(refused)["error"]["code"], "seat_reclaimed") << refused.out;
  ProcessResult status = on(laptop, "status");
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_EQ(json_of(status)["status"], "not_activated") << "a reclaimed seat is not a revocation";
  const std::string said = json_of(status).value("message", "");
  EXPECT_NE(said.find("freed its seat automatically"), std::string::npos) << status.out;
  EXPECT_NE(said.find("nodelock activate"), std::string::npos) << status.out;

  ProcessResult again = on(laptop, "activate --server " + server_.url() + " --key " + key.key);
  ASSERT_EQ(again.exit_code, 0) << "a reclaimed machine takes a free seat: " << again.out;
  EXPECT_NE(json_of(again)["activation_id"], activation_id);
  EXPECT_EQ(on(laptop, "status").exit_code, 0);
}

TEST_F(SeatReclaimCliTest, SetReclaimTakesDurationsAndOffAndRefusesTheRest) {
  const IssuedKey key = license("--max-activations 2");
  ProcessResult on_30d = admin_cli("license set-reclaim " + key.id + " --after 30d");
  EXPECT_EQ(on_30d.exit_code, 0) << on_30d.out;
  EXPECT_NE(on_30d.out.find("more than 30 days"), std::string::npos) << on_30d.out;
  ProcessResult json = admin_cli("license set-reclaim " + key.id + " --after 12h --json");
  EXPECT_EQ(json_of(json)["license"]["reclaim_after_seconds"], 12 * 3600);
  ProcessResult off = admin_cli("license set-reclaim " + key.id + " --after off");
  EXPECT_EQ(off.exit_code, 0);
  EXPECT_NE(off.out.find("never frees idle seats"), std::string::npos) << off.out;

  for (const char* bad : {"30", "-5d", "0s", "1.5d", "30x", "d", "99999999999d", "'30 d'"}) {
    EXPECT_EQ(admin_cli("license set-reclaim " + key.id + " --after " + bad).exit_code, 2) << bad;
    EXPECT_EQ(admin_cli(std::string("license create --product acme-cad --reclaim-after ") + bad)
                  .exit_code,
              2)
        << bad;
  }
  EXPECT_EQ(admin_cli("license set-reclaim " + key.id).exit_code, 2) << "--after is required";
  EXPECT_EQ(admin_cli("license set-reclaim --after 5d").exit_code, 2) << "the license is required";
  EXPECT_EQ(admin_cli("license create --product acme-cad --model floating --seats 2 "
                      "--reclaim-after 30d")
                .exit_code,
            2)
      << "floating leases have their own TTL";
  EXPECT_EQ(admin_cli("license set-reclaim " + key.id + " --after 3651d").exit_code, 2)
      << "beyond ten years";
  EXPECT_EQ(admin_cli("devices --license " + key.id + " --state sleeping").exit_code, 2);

  const std::string support = json_of(admin_cli("token create --role support --json"))["token"];
  EXPECT_EQ(admin_cli("license set-reclaim " + key.id + " --after 5d", support).exit_code, 1)
      << "support may not switch it on";
  EXPECT_TRUE(
      json_of(admin_cli("license show " + key.id + " --json"))["license"]["reclaim_after_seconds"]
          .is_null());
}

}  // namespace
}  // namespace nodelock::server::testing
