// Floating seats end to end: `nodelock admin license create --model floating`,
// `nodelock lease checkout|heartbeat|status|release` on simulated machines and
// `nodelock admin sessions|release` against a real server.
#include <sys/stat.h>

#include <chrono>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using FloatingCliTest = ServerTest;

TEST_F(FloatingCliTest, ScriptsCheckOutRenewAndReleaseASeat) {
  const IssuedKey license = floating("--seats 1 --lease-ttl 60");
  const Machine laptop{kLaptop, {}};
  ProcessResult checked_out = check_out(laptop, license.key);
  ASSERT_EQ(checked_out.exit_code, 0) << checked_out.out;
  const auto held = json_of(checked_out);
  EXPECT_EQ(held["heartbeat_seconds"], 20);
  EXPECT_EQ(held["scope"], "device");

  const auto lease_file = laptop.store.path() / "acme-cad" / "lease.json";
  struct stat info {};
  ASSERT_EQ(::stat(lease_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "the lease file holds the lease's secret";

  ProcessResult renewed = lease(laptop, "heartbeat --json");
  EXPECT_EQ(renewed.exit_code, 0) << renewed.out;
  EXPECT_EQ(json_of(renewed)["lease_id"], held["lease_id"]);
  ProcessResult status = lease(laptop, "status --json");
  EXPECT_EQ(status.exit_code, 0) << status.out;

  ProcessResult sessions = admin_cli("sessions --license " + license.id + " --json");
  ASSERT_EQ(sessions.exit_code, 0);
  ASSERT_EQ(json_of(sessions)["leases"].size(), 1u);

  EXPECT_EQ(lease(laptop, "release --json").exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(lease_file));
  EXPECT_EQ(lease(laptop, "status --json").exit_code, 1);
  EXPECT_TRUE(json_of(admin_cli("sessions --license " + license.id + " --json"))["leases"].empty());
}

TEST_F(FloatingCliTest, ALicenseThatSetsNoTtlGivesLeasesOf360Seconds) {
  const IssuedKey license = floating("--seats 1");
  const Machine laptop{kLaptop, {}};
  ProcessResult checked_out = check_out(laptop, license.key);
  ASSERT_EQ(checked_out.exit_code, 0) << checked_out.out;
  EXPECT_EQ(json_of(checked_out)["heartbeat_seconds"], 120) << "a third of the TTL";
  const auto leases = json_of(admin_cli("sessions --license " + license.id + " --json"))["leases"];
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(
      leases[0]["expires_at"].get<std::int64_t>() - leases[0]["started_at"].get<std::int64_t>(),
      360)
      << leases[0].dump();
}

TEST_F(FloatingCliTest, OnePersonOnTwoMachinesOfAUserScopedLicenseTakesOneSeat) {
  const IssuedKey license = floating("--seats 1 --seat-scope user --lease-ttl 60");
  for (const char* user : {"anna@example.com", "bob@example.com"}) {
    ASSERT_EQ(users(license.id, "add --email " + std::string(user)).exit_code, 0) << user;
  }
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine vm{kVirtualMachine, {}};
  for (const Machine* machine : {&laptop, &desktop}) {
    ProcessResult held = check_out_as(*machine, license.key, "anna@example.com", "--json");
    ASSERT_EQ(held.exit_code, 0) << held.out;
    EXPECT_EQ(json_of(held)["seat"], "anna@example.com");
    EXPECT_EQ(json_of(held)["scope"], "user");
  }
  ProcessResult refused = check_out_as(vm, license.key, "bob@example.com");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find(": 1 seat, in use. Held by: anna@example.com"), std::string::npos)
      << "the one seat is anna's: " << refused.out;
  EXPECT_EQ(json_of(admin_cli("sessions --license " + license.id + " --json"))["leases"].size(),
            2u);
}

TEST_F(FloatingCliTest, AFullLicenseRefusesWithExitOneNamingTheHolder) {
  const IssuedKey license = floating("--seats 1");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ProcessResult first = check_out(laptop, license.key);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  ProcessResult refused = check_out(desktop, license.key, true);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("No floating seats available on license"), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find(json_of(first)["machine_id"].get<std::string>()), std::string::npos)
      << refused.out;
  EXPECT_FALSE(std::filesystem::exists(desktop.store.path() / "acme-cad" / "lease.json"));
}

TEST_F(FloatingCliTest, HeartbeatAfterTheLeaseEndedExitsOneAndForgetsIt) {
  const IssuedKey license = floating("--seats 1 --lease-ttl 60");
  const Machine laptop{kLaptop, {}};
  ProcessResult held = check_out(laptop, license.key);
  ASSERT_EQ(held.exit_code, 0) << held.out;
  ProcessResult forced =
      admin_cli("release --lease " + json_of(held)["lease_id"].get<std::string>());
  ASSERT_EQ(forced.exit_code, 0) << forced.out;
  EXPECT_EQ(lease(laptop, "heartbeat").exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(laptop.store.path() / "acme-cad" / "lease.json"));
}

TEST_F(FloatingCliTest, WaitKeepsThePlaceInTheQueueUntilASeatComesFree) {
  const IssuedKey license = floating("--seats 1 --lease-ttl 60");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ASSERT_EQ(check_out(laptop, license.key).exit_code, 0);
  ChildProcess waiting(shell(check_out_command(desktop, license.key, "--wait --wait-timeout 30")));
  ASSERT_TRUE(waiting.wait_for_output("waiting for a seat", std::chrono::seconds(20)));
  ASSERT_EQ(lease(laptop, "release").exit_code, 0);
  const ProcessResult admitted = waiting.finish();
  EXPECT_EQ(admitted.exit_code, 0) << admitted.out;
  EXPECT_NE(admitted.out.find("waiting for a seat: position 1 of 1"), std::string::npos)
      << admitted.out;
  EXPECT_NE(admitted.out.find("Checked out lease"), std::string::npos) << admitted.out;
  EXPECT_TRUE(std::filesystem::exists(desktop.store.path() / "acme-cad" / "lease.json"));
}

TEST_F(FloatingCliTest, WaitTimesOutWithExitOneSayingHowLongAndWhere) {
  const IssuedKey license = floating("--seats 1 --lease-ttl 60");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ASSERT_EQ(check_out(laptop, license.key).exit_code, 0);
  const ProcessResult gave_up = wait_for_seat(desktop, license.key, "--wait-timeout 3");
  EXPECT_EQ(gave_up.exit_code, 1) << gave_up.out;
  EXPECT_NE(gave_up.out.find("came free within 3 seconds"), std::string::npos) << gave_up.out;
  EXPECT_NE(gave_up.out.find("1 of 1 in the queue"), std::string::npos) << gave_up.out;
  EXPECT_FALSE(std::filesystem::exists(desktop.store.path() / "acme-cad" / "lease.json"));
}

TEST_F(FloatingCliTest, AWaitTimeoutWithoutWaitOrOutOfRangeIsAUsageError) {
  const IssuedKey license = floating("--seats 1");
  const Machine laptop{kLaptop, {}};
  const std::string checkout = "checkout --server " + server_.url() + " --key " + license.key +
                               " --sysroot " + laptop.sysroot;
  EXPECT_EQ(lease(laptop, checkout + " --wait-timeout 5").exit_code, 2);
  EXPECT_EQ(lease(laptop, checkout + " --wait --wait-timeout 0").exit_code, 2);
  EXPECT_EQ(lease(laptop, checkout + " --wait --wait-timeout soon").exit_code, 2);
  EXPECT_EQ(lease(laptop, checkout + " --wait --wait-timeout 9999999").exit_code, 2);
  EXPECT_TRUE(json_of(admin_cli("sessions --license " + license.id + " --json"))["leases"].empty());
}

TEST_F(FloatingCliTest, WaitEndsAtOnceOnARefusalNoFreeSeatWouldEnd) {
  const IssuedKey license = floating("--seat-scope project --project-tokens team=0,mono=2");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ASSERT_EQ(lease(laptop, "checkout --server " + server_.url() + " --key " + license.key +
                              " --project A --sysroot " + laptop.sysroot)
                .exit_code,
            0);
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult refused = wait_for_seat(desktop, license.key, "--project A");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_NE(refused.out.find("does not wait in the seat queue"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("waiting for a seat"), std::string::npos) << refused.out;
}

TEST_F(FloatingCliTest, FloatingFlagsOnANodeLockedLicenseAreAUsageError) {
  ProcessResult refused =
      admin_cli("license create --product acme-cad --max-activations 2 --grace-seats 1 --json");
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  ProcessResult both = admin_cli(
      "license create --product acme-cad --model floating --seats 2 --max-activations 2 --json");
  EXPECT_EQ(both.exit_code, 2) << both.out;
}

TEST_F(FloatingCliTest, ProjectTokensMakeTheSeatsAndLicenseShowPrintsThem) {
  const IssuedKey license =
      floating("--seat-scope project --project-tokens team=1,mono=2 --grace-seats 1");
  ProcessResult shown = admin_cli("license show " + license.id);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("0/3 seats"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("seat scope project"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("project tokens: 1 team (any number of users), 2 mono (one user at a "
                           "time)"),
            std::string::npos)
      << shown.out;
  for (const char* bad : {"team", "team=x", "duo=1", "team=1,team=2", "", "mono=-1"}) {
    ProcessResult refused = admin_cli(
        "license create --product acme-cad --model floating --seat-scope project "
        "--project-tokens '" +
        std::string(bad) + "' --json");
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.out;
  }
  ProcessResult mismatch = admin_cli(
      "license create --product acme-cad --model floating --seat-scope project --seats 5 "
      "--project-tokens team=1,mono=2 --json");
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.out;
  EXPECT_NE(json_of(mismatch)["error"].value("message", "").find("must be 3 (1 team + 2 mono)"),
            std::string::npos)
      << mismatch.out;
}

}  // namespace
}  // namespace nodelock::server::testing
