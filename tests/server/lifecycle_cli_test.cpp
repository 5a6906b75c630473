// A node-locked license through its life on one machine, with the real CLI
// against a real server: activate, check, deactivate, activate again, and a
// check-in after the machine's clock was wrong.
#include <chrono>

#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr std::int64_t kDay = 24 * 3600;

// The check an application on `machine` makes, with its clock at `now`.
CheckResult check_at(const Machine& machine, std::int64_t now) {
  const LocalStore store(machine.store.path(), "acme-cad");
  VerifierOptions clock;
  clock.clock = [now] { return now; };
  const Verifier verifier(store.read_vendor_keys().value(), "acme-cad", clock);
  CheckOptions options;
  options.store = machine.store.path();
  options.sysroot = machine.sysroot;
  return verifier.check(options);
}

using LifecycleTest = ServerTest;

TEST_F(LifecycleTest, ReactivatingAfterADeactivationGivesAValidLicense) {
  const IssuedKey key = license("--seats 1");
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  ASSERT_EQ(on(laptop, "status").exit_code, 0);  // leaves a clock record behind
  ASSERT_EQ(on(laptop, "deactivate").exit_code, 0);

  ProcessResult again = activate(laptop, key.key);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  ProcessResult status = on(laptop, "status");
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_EQ(json_of(status)["status"], "valid");
}

TEST_F(LifecycleTest, ReactivatingDoesNotLetTheClockBeSetBack) {
  const IssuedKey key = license("--seats 1");
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  ASSERT_EQ(on(laptop, "deactivate").exit_code, 0);
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);

  const CheckResult set_back = check_at(laptop, unix_now() - 3 * kDay);
  EXPECT_EQ(set_back.status(), LicenseStatus::clock_rollback) << set_back.message();
  EXPECT_TRUE(check_at(laptop, unix_now()).ok());
}

TEST_F(LifecycleTest, ARefreshClearsTheMarkOfAClockThatRanAhead) {
  const IssuedKey key = license("");
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  // A wrong BIOS date three days ahead, then put right.
  ASSERT_TRUE(check_at(laptop, unix_now() + 3 * kDay).ok());
  ProcessResult locked = on(laptop, "status");
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_EQ(json_of(locked)["status"], "clock_rollback") << locked.out;

  ProcessResult refreshed = on(laptop, "refresh");
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.out << refreshed.err;
  ProcessResult status = on(laptop, "status");
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  // Reset to the server's time, not forgotten: setting the clock back is still seen.
  EXPECT_EQ(check_at(laptop, unix_now() - 3 * kDay).status(), LicenseStatus::clock_rollback);
}

TEST_F(LifecycleTest, AVersionLimitRefusesVersionsItCannotRead) {
  const IssuedKey key = license("--max-version 4");
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  const auto status_of = [&](const std::string& version) {
    return on(laptop, "status --app-version '" + version + "'");
  };

  for (const std::string unreadable : {" 5.0.0", "+5", "abc", "-1.0", "5..0", "5.", "v", "5-"}) {
    SCOPED_TRACE(unreadable);
    ProcessResult refused = status_of(unreadable);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_EQ(json_of(refused)["error"]["code"], "invalid_argument") << refused.out;
    EXPECT_NE(refused.out.find("is not an application version"), std::string::npos);
  }
  for (const std::string later : {"5.0.0", "v5.0.0", "V5", "5.0.0-rc.1"}) {
    SCOPED_TRACE(later);
    ProcessResult refused = status_of(later);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_EQ(json_of(refused)["status"], "version_not_covered") << refused.out;
  }
  for (const std::string covered : {"4", "v4.2.0", "V4.9", "4.2.0+build.7"}) {
    SCOPED_TRACE(covered);
    EXPECT_EQ(status_of(covered).exit_code, 0);
  }
}

TEST_F(LifecycleTest, TheVerifierRefusesAnApplicationVersionItCannotRead) {
  const IssuedKey key = license("");  // no version limit at all
  const Machine laptop{kLaptop, {}};
  ASSERT_EQ(activate(laptop, key.key).exit_code, 0);
  const LocalStore store(laptop.store.path(), "acme-cad");
  const Verifier verifier(store.read_vendor_keys().value(), "acme-cad");
  CheckOptions options;
  options.store = laptop.store.path();
  options.sysroot = laptop.sysroot;

  options.app_version = "abc";
  const CheckResult refused = verifier.check(options);
  EXPECT_EQ(refused.status(), LicenseStatus::version_not_covered);
  EXPECT_NE(refused.message().find("'abc' is not an application version"), std::string::npos)
      << refused.message();
  EXPECT_FALSE(refused.has_feature("export"));
  options.app_version = "v7.1";
  EXPECT_TRUE(verifier.check(options).ok());
  EXPECT_EQ(app_major_version("V12.0.3").value(), 12);
}

}  // namespace
}  // namespace nodelock::server::testing
