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
  const Verifier verifier(store.read_vendor_keys().value(), "acme-cad");
  CheckOptions options;
  options.store = machine.store.path();
  options.sysroot = machine.sysroot;
  options.now = now;
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

}  // namespace
}  // namespace nodelock::server::testing
