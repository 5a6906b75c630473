// Borrowing end to end: `nodelock lease borrow|return|status` and `nodelock
// status` on simulated machines against a real server, which is stopped to
// show the borrowed seat needs it no more.
#include <sys/stat.h>

#include <ctime>

#include "nodelock/crypto/file_io.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr std::int64_t kDay = 86400;

class FloatingBorrowCliTest : public ServerTest {
 protected:
  ProcessResult borrow(const Machine& machine, const std::string& key, const std::string& days,
                       bool merged = false) {
    return lease(machine,
                 "borrow --days " + days + " --server " + server_.url() + " --key " + key +
                     " --sysroot " + machine.sysroot + (merged ? "" : " --json"),
                 merged);
  }

  // `nodelock status` on `machine`: the offline check an application makes.
  ProcessResult status(const Machine& machine, bool merged = false) {
    const std::string command = nodelock_binary().string() + " status --product acme-cad --store " +
                                machine.store.path().string() + " --sysroot " + machine.sysroot +
                                (merged ? "" : " --json");
    return run_shell(merged ? "(" + command + " 2>&1)" : command);
  }

  static std::filesystem::path borrow_file(const Machine& machine) {
    return machine.store.path() / "acme-cad" / "borrow.nlborrow";
  }
};

TEST_F(FloatingBorrowCliTest, ABorrowedSeatRunsWithItsFeaturesWhenTheServerIsGone) {
  const IssuedKey license =
      floating("--seats 1 --max-borrow-days 7 --features export,render --licensee 'Acme Ltd'");
  const Machine laptop{kLaptop, {}};
  const auto before = static_cast<std::int64_t>(std::time(nullptr));
  ProcessResult borrowed = borrow(laptop, license.key, "3");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  const auto held = json_of(borrowed);
  EXPECT_EQ(held["license_id"], license.id);
  EXPECT_EQ(held["features"], nlohmann::json({"export", "render"}));
  EXPECT_GE(held["expires_at"].get<std::int64_t>(), before + 3 * kDay);

  struct stat info {};
  ASSERT_EQ(::stat(borrow_file(laptop).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((laptop.store.path() / "acme-cad" / "borrow.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "the record holds the lease's secret";

  server_.terminate();
  ProcessResult checked = status(laptop);
  ASSERT_EQ(checked.exit_code, 0) << checked.out;
  const auto verdict = json_of(checked);
  EXPECT_EQ(verdict["status"], "valid");
  EXPECT_EQ(verdict["borrowed"], true);
  EXPECT_EQ(verdict["features"], nlohmann::json({"export", "render"}));
  EXPECT_EQ(verdict["expires_at"], held["expires_at"]);
  ProcessResult shown = status(laptop, true);
  EXPECT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("Borrowed floating seat valid for acme-cad"), std::string::npos)
      << shown.out;

  ProcessResult listed = lease(laptop, "status --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_EQ(json_of(listed)["borrowed"]["lease_id"], held["lease_id"]);
  EXPECT_EQ(json_of(listed)["borrowed"]["expires_at"], held["expires_at"]);
  ProcessResult told = lease(laptop, "status", true);
  EXPECT_NE(told.out.find("for offline use (lease " + held["lease_id"].get<std::string>()),
            std::string::npos)
      << told.out;

  ProcessResult unreachable = lease(laptop, "return --json");
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.out;
  EXPECT_TRUE(std::filesystem::exists(borrow_file(laptop)))
      << "kept for a return once the server is back";

  std::string text = read_file(borrow_file(laptop)).value();
  const std::size_t body = text.find("\n\n") + 2 + 40;
  text[body] = text[body] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(write_file_atomic(borrow_file(laptop), text).ok());
  EXPECT_EQ(status(laptop).exit_code, 4) << "a changed byte is tampering";
}

TEST_F(FloatingBorrowCliTest, MoreDaysThanTheLicenseAllowsAreRefusedNamingTheMaximum) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  ProcessResult refused = borrow(laptop, license.key, "8", true);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("at most 7 days, not 8"), std::string::npos) << refused.out;
  EXPECT_FALSE(std::filesystem::exists(borrow_file(laptop)));
  EXPECT_EQ(status(laptop).exit_code, 1);
}

TEST_F(FloatingBorrowCliTest, ALicenseWithoutBorrowingRefuses) {
  const IssuedKey license = floating("--seats 1");
  const Machine laptop{kLaptop, {}};
  ProcessResult refused = borrow(laptop, license.key, "1");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_EQ(json_of(refused)["error"]["code"], "borrow_not_allowed");
  EXPECT_FALSE(std::filesystem::exists(borrow_file(laptop)));
}

TEST_F(FloatingBorrowCliTest, TheBorrowedSeatCountsAndTheRefusalNamesTheBorrower) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ProcessResult borrowed = borrow(laptop, license.key, "2");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  ProcessResult refused = check_out(desktop, license.key, true);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find(json_of(borrowed)["machine_id"].get<std::string>()), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("borrowed offline until"), std::string::npos) << refused.out;
}

TEST_F(FloatingBorrowCliTest, ReturnFreesTheSeatAtOnceAndTheMachineStopsRunningOnIt) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  ASSERT_EQ(borrow(laptop, license.key, "5").exit_code, 0);
  ProcessResult returned = lease(laptop, "return --json");
  ASSERT_EQ(returned.exit_code, 0) << returned.out;
  EXPECT_EQ(json_of(returned)["returned"], true);
  EXPECT_FALSE(std::filesystem::exists(borrow_file(laptop)));
  EXPECT_FALSE(std::filesystem::exists(laptop.store.path() / "acme-cad" / "borrow.json"));
  EXPECT_EQ(check_out(desktop, license.key).exit_code, 0) << "the seat is free at once";
  EXPECT_EQ(json_of(status(laptop))["status"], "not_activated");

  ProcessResult again = lease(laptop, "return", true);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.out.find("no floating seat of acme-cad is borrowed on this machine"),
            std::string::npos)
      << again.out;
}

TEST_F(FloatingBorrowCliTest, ReturningASeatSupportReleasedSaysSoAndForgetsIt) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  ProcessResult borrowed = borrow(laptop, license.key, "5");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  const std::string id = json_of(borrowed)["lease_id"];
  ASSERT_EQ(admin_cli("release --lease " + id).exit_code, 0);
  ProcessResult returned = lease(laptop, "return", true);
  EXPECT_EQ(returned.exit_code, 1);
  EXPECT_NE(returned.out.find("the server no longer holds the seat borrowed as lease " + id),
            std::string::npos)
      << returned.out;
  EXPECT_NE(returned.out.find("(forced)"), std::string::npos) << returned.out;
  EXPECT_FALSE(std::filesystem::exists(borrow_file(laptop)));
}

TEST_F(FloatingBorrowCliTest, ALeaseHeldLendsItsLicenseServerAndSeatToTheBorrow) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  ProcessResult checked_out = check_out(laptop, license.key);
  ASSERT_EQ(checked_out.exit_code, 0) << checked_out.out;
  ProcessResult borrowed = lease(laptop, "borrow --days 2 --sysroot " + laptop.sysroot + " --json");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  EXPECT_EQ(json_of(borrowed)["seat"], json_of(checked_out)["seat"]);
  EXPECT_EQ(json_of(borrowed)["license_id"], license.id);

  ProcessResult both = lease(laptop, "status --json");
  ASSERT_EQ(both.exit_code, 0) << both.out;
  EXPECT_EQ(json_of(both)["lease_id"], json_of(checked_out)["lease_id"]);
  EXPECT_EQ(json_of(both)["borrowed"]["lease_id"], json_of(borrowed)["lease_id"]);

  ProcessResult twice = lease(laptop, "borrow --days 2 --sysroot " + laptop.sysroot, true);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.out.find("borrowed on this machine already"), std::string::npos) << twice.out;
}

TEST_F(FloatingBorrowCliTest, ABorrowEndsNoLaterThanTheLicense) {
  const auto license_end = static_cast<std::int64_t>(std::time(nullptr)) + 2 * kDay;
  const IssuedKey license =
      floating("--seats 1 --max-borrow-days 7 --expires " + std::to_string(license_end));
  const Machine laptop{kLaptop, {}};
  ProcessResult borrowed = borrow(laptop, license.key, "7");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  EXPECT_EQ(json_of(borrowed)["expires_at"], license_end);
  EXPECT_EQ(json_of(status(laptop))["expires_at"], license_end);
}

TEST_F(FloatingBorrowCliTest, BadBorrowFlagsAreUsageErrorsAndTakeNoSeat) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  for (const char* days : {"0", "-1", "abc", "1.5", "''", "99999999"}) {
    EXPECT_EQ(borrow(laptop, license.key, days).exit_code, 2) << days;
  }
  EXPECT_EQ(lease(laptop, "borrow --key " + license.key + " --days 1").exit_code, 2)
      << "a key without its server";
  EXPECT_EQ(lease(laptop, "borrow --server " + server_.url() + " --key " + license.key).exit_code,
            2)
      << "no --days";
  ProcessResult no_lease = lease(laptop, "borrow --days 1", true);
  EXPECT_EQ(no_lease.exit_code, 1);
  EXPECT_NE(no_lease.out.find("give --server, --key and --product"), std::string::npos)
      << no_lease.out;
  EXPECT_EQ(borrow(laptop, "NOT-A-KEY", "1").exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(borrow_file(laptop)));
  ProcessResult sessions = admin_cli("sessions --license " + license.id + " --json");
  EXPECT_TRUE(json_of(sessions)["leases"].empty()) << sessions.out;
}

TEST_F(FloatingBorrowCliTest, ADamagedBorrowRecordIsRefusedAndTheSeatStaysBorrowed) {
  const IssuedKey license = floating("--seats 1 --max-borrow-days 7");
  const Machine laptop{kLaptop, {}};
  ProcessResult borrowed = borrow(laptop, license.key, "2");
  ASSERT_EQ(borrowed.exit_code, 0) << borrowed.out;
  const auto record_file = laptop.store.path() / "acme-cad" / "borrow.json";
  const std::string record = read_file(record_file).value();
  auto other_lease = nlohmann::json::parse(record);
  other_lease["lease_id"] = "lse_someone_else";
  auto wrong_type = nlohmann::json::parse(record);
  wrong_type["sequence"] = "1";
  auto unknown = nlohmann::json::parse(record);
  unknown["extra"] = 1;
  auto missing = nlohmann::json::parse(record);
  missing.erase("secret");
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), other_lease.dump(), wrong_type.dump(),
        unknown.dump(), missing.dump(), std::string(200 * 1024, ' ')}) {
    ASSERT_TRUE(write_file_atomic(record_file, bad).ok());
    ProcessResult refused = lease(laptop, "return --json");
    EXPECT_EQ(refused.exit_code, 4) << bad.substr(0, 80) << ": " << refused.out;
    ProcessResult shown = lease(laptop, "status", true);
    EXPECT_EQ(shown.exit_code, 4) << bad.substr(0, 80);
    EXPECT_NE(shown.out.find("is damaged"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("ask support to release that lease"), std::string::npos) << shown.out;
    EXPECT_TRUE(std::filesystem::exists(borrow_file(laptop))) << bad.substr(0, 80);
  }
  ProcessResult sessions = admin_cli("sessions --license " + license.id + " --json");
  EXPECT_EQ(json_of(sessions)["leases"].size(), 1u) << "the seat is still borrowed";
  EXPECT_EQ(json_of(status(laptop))["status"], "valid")
      << "the Verifier reads the BORROW, not the record";

  ASSERT_TRUE(write_file_atomic(record_file, record).ok());
  EXPECT_EQ(lease(laptop, "return --json").exit_code, 0);
}

}  // namespace
}  // namespace nodelock::server::testing
