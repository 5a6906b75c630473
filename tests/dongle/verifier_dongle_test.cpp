// The in-app Verifier with a license bound to a dongle: it asks the emulated
// dongle over real libusb, and keeps a proof for its configured lifetime so a
// busy application does not talk USB on every check.
#include <gtest/gtest.h>

#include "dongle_fixture.h"
#include "license_factory.h"
#include "nodelock/activation/verifier.h"

namespace nodelock::dongle::testing {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;
const std::string kProduct = "acme.cad";

class VerifierWithDongle : public EmulatedDongleTest {
 protected:
  // Installs a license bound to `binding` for the workstation fixture.
  void install(const DongleBinding& binding) {
    nodelock::testing::install_test_license(LocalStore(root_.path(), kProduct), vendor_, kProduct,
                                            sysroot_, kNow,
                                            [&](License& license) { license.dongle = binding; });
  }
  Verifier verifier(std::chrono::milliseconds lifetime) const {
    VerifierOptions options;
    options.dongle_devices = quick_options();
    options.dongle_proof_lifetime = lifetime;
    return Verifier({vendor_.public_key()}, kProduct, options);
  }
  CheckOptions check_options() const {
    CheckOptions options;
    options.store = root_.path();
    options.sysroot = sysroot_;
    options.now = kNow;
    return options;
  }

  nodelock::testing::TempDir root_;
  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
  std::filesystem::path sysroot_ = nodelock::testing::fixture_host("desktop-two-nics");
};

TEST_F(VerifierWithDongle, ABusyApplicationAsksTheDongleOncePerProofLifetime) {
  const auto nldg = plug_nldg();
  install(DongleBinding{NldgBinding{nldg->public_key()}});
  const Verifier cached = verifier(std::chrono::minutes(1));
  for (int i = 0; i < 20; ++i) {
    const CheckResult result = cached.check(check_options());
    ASSERT_TRUE(result.ok()) << result.message();
    EXPECT_TRUE(result.dongle_proven());
  }
  EXPECT_EQ(nldg->signatures_made(), 1);

  const Verifier uncached = verifier(std::chrono::milliseconds(0));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(uncached.check(check_options()).ok());
  EXPECT_EQ(nldg->signatures_made(), 4);
}

TEST_F(VerifierWithDongle, APulledDongleIsNoticedOnceTheProofExpires) {
  const auto nldg = plug_nldg();
  install(DongleBinding{NldgBinding{nldg->public_key()}});
  const Verifier checks = verifier(std::chrono::milliseconds(0));
  ASSERT_TRUE(checks.check(check_options()).ok());
  bus().unplug(*nldg);
  const CheckResult result = checks.check(check_options());
  EXPECT_EQ(result.status(), LicenseStatus::dongle_missing);
  EXPECT_FALSE(result.dongle_proven());
  EXPECT_NE(result.message().find("not plugged in"), std::string::npos) << result.message();
}

TEST_F(VerifierWithDongle, ALicenseWithoutADongleNeverTouchesTheDongles) {
  const auto nldg = plug_nldg();
  nodelock::testing::install_test_license(LocalStore(root_.path(), kProduct), vendor_, kProduct,
                                          sysroot_, kNow);
  const CheckResult result = verifier(std::chrono::milliseconds(0)).check(check_options());
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result.dongle(), nullptr);
  EXPECT_EQ(nldg->signatures_made(), 0);
  EXPECT_TRUE(nldg->challenges().empty());
}

}  // namespace
}  // namespace nodelock::dongle::testing
