// A date that ends a term means all of that day, UTC, and is shown as typed:
// `--expires 2027-12-31` runs until 2027-12-31T23:59:59Z and reads "until
// 2027-12-31" wherever the license is shown.
#include <string>

#include "nodelock/crypto/utc_time.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ExpiryDateCliTest : public ServerTest {
 protected:
  ExpiryDateCliTest() : ServerTest({}, ServerTime::test_clock) {}

  std::string today() const { return utc_date(clock_.now()); }
};

TEST_F(ExpiryDateCliTest, AnExpiryDateIsShownAsTypedAndRunsToTheEndOfThatDay) {
  const ProcessResult created =
      admin_cli("license create --product acme-cad --max-activations 1 --expires 2027-12-31");
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  EXPECT_TRUE(contains(created.out, "subscription until 2027-12-31\n")) << created.out;

  const IssuedKey license = this->license("--max-activations 1 --expires 2027-12-31");
  const ProcessResult shown = admin_cli("license show " + license.id);
  EXPECT_TRUE(contains(shown.out, "subscription until 2027-12-31\n")) << shown.out;
  const auto details = license_details(license.id).body["license"];
  EXPECT_EQ(details["expires_at"], 1830297599) << "2027-12-31T23:59:59Z";
}

TEST_F(ExpiryDateCliTest, AMachineSeesTheDateAsTypedAndRunsOnItsLastDay) {
  const IssuedKey license = this->license("--max-activations 1 --expires " + today());
  Machine desktop{kDesktop, {}};
  ASSERT_EQ(activate(desktop, license.key).exit_code, 0);

  const ProcessResult status =
      run_shell(nodelock_binary().string() + " status --product acme-cad --store " +
                desktop.store.path().string() + " --sysroot " + desktop.sysroot);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "Expires:     " + today() + "\n")) << status.out;
}

TEST_F(ExpiryDateCliTest, YesterdayIsRefusedAsInThePastByItsOwnName) {
  const std::string yesterday = utc_date(clock_.now() - 24 * 3600);
  const ProcessResult refused =
      admin_cli("license create --product acme-cad --max-activations 1 --expires " + yesterday);
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.err, "the expiry " + yesterday + " is in the past")) << refused.err;
  EXPECT_TRUE(admin().get("/v1/licenses").body["licenses"].empty());
}

}  // namespace
}  // namespace nodelock::server::testing
