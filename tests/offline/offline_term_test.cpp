// How long a license activated by files runs: an air-gapped machine has no
// server to check in with, so it runs for the license's whole term, while a
// machine activated online keeps its check-in date. The server's clock is set
// back so that the license was issued longer ago than the check-in interval.
#include <chrono>

#include "nodelock/crypto/utc_time.h"

#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

using nlohmann::json;
using server::testing::json_of;
using server::testing::ServerTime;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr std::chrono::hours kFortyDays{40 * 24};

class OfflineTerm : public OfflineTest {
 protected:
  // A window of a year lets support answer a request made 40 days after the
  // server's time.
  OfflineTerm()
      : OfflineTest({{}, {"--offline-request-window", "31622400"}}, ServerTime::test_clock) {}

  // Activates `on_machine` by files with a license issued 40 days ago, 10
  // days past its refresh interval.
  void activate_forty_days_ago(const SiteMachine& on_machine, const std::string& key) {
    clock_.advance(-kFortyDays);
    request(on_machine, key, file("site.nlreq"));
    respond(file("site.nlreq"), file("site.nlres"));
    install(on_machine, file("site.nlres"));
  }
};

TEST_F(OfflineTerm, PerpetualLicenseActivatedByFilesRunsPastTheRefreshInterval) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  activate_forty_days_ago(laptop, license.key);

  const ProcessResult status = air_gapped(on(laptop, {"status"}));
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(
      contains(status.out, "Check in:    none: a license activated by files runs for its term"))
      << status.out;
  const ProcessResult status_json = air_gapped(on(laptop, {"status", "--json"}));
  EXPECT_EQ(json_of(status_json).value("refresh_by", -1), 0) << status_json.out;
}

TEST_F(OfflineTerm, SubscriptionActivatedByFilesRunsUntilItExpires) {
  const IssuedKey license = create_license({{"max_activations", 1}, {"expires", "2099-06-30"}});
  const SiteMachine desktop = machine("desktop-two-nics");
  activate_forty_days_ago(desktop, license.key);

  const ProcessResult status = air_gapped(on(desktop, {"status", "--json"}));
  EXPECT_EQ(status.exit_code, 0) << status.err;
  const json checked = json_of(status);
  EXPECT_EQ(checked.value("status", ""), "valid") << status.out;
  EXPECT_EQ(checked.value("refresh_by", -1), 0) << status.out;
}

// An expired response used to install with exit 0, and status then failed at
// once, telling an air-gapped machine to run `nodelock refresh`.
TEST_F(OfflineTerm, AResponseThatHasExpiredIsRefusedAtInstallSayingHowToRenewByFile) {
  clock_.advance(-kFortyDays);
  const IssuedKey license = create_license(
      {{"max_activations", 1}, {"expires", nodelock::utc_date(clock_.now() + 20 * 24 * 3600)}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("late.nlreq"));
  respond(file("late.nlreq"), file("late.nlres"));
  const DirectoryState before = state_of(laptop.store);

  const ProcessResult installed =
      air_gapped(on(laptop, {"offline", "install", file("late.nlres").string()}));
  EXPECT_EQ(installed.exit_code, 1) << installed.out;
  EXPECT_TRUE(contains(installed.err, "This response's license expired on")) << installed.err;
  EXPECT_TRUE(contains(installed.err, "so it was not installed")) << installed.err;
  EXPECT_TRUE(contains(installed.err, "`nodelock offline request --key KEY --product acme-cad"))
      << installed.err;
  EXPECT_FALSE(contains(installed.err, "nodelock refresh")) << installed.err;
  EXPECT_EQ(state_of(laptop.store), before);
}

TEST_F(OfflineTerm, LicenseActivatedOnlineKeepsItsCheckIn) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  server::testing::Machine desktop{nodelock::testing::fixture_host("desktop-two-nics"), {}};
  const ProcessResult activated = activate(desktop, license.key);
  ASSERT_EQ(activated.exit_code, 0) << activated.err;

  const ProcessResult status = ServerTest::on(desktop, "status");
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(json_of(status).value("refresh_by", std::int64_t{0}), clock_.now() + 30 * 24 * 3600)
      << status.out;
}

}  // namespace
}  // namespace nodelock::offline::testing
