// The Verifier and a floating seat borrowed for offline use: where no license
// is installed, a BORROW bound to this machine and this store's device key
// runs the application with its features until it expires, and is as strict
// as a license about tampering, signers, other machines and the clock.
#include <gtest/gtest.h>

#include "nodelock/activation/document.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "nodelock/crypto/file_io.h"
#include "verifier_fixture.h"

namespace nodelock {
namespace {

using testing::desktop;
using testing::kDay;
using testing::kNow;
using testing::kProduct;

std::filesystem::path laptop() { return testing::fixture_host("laptop-wifi-docker"); }

class VerifierBorrowTest : public testing::OneVerifierTest {
 protected:
  // A seat borrowed at kNow for `days` on the desktop.
  std::string borrow(std::int64_t days = 7, const std::function<void(Borrow&)>& adjust = {}) {
    return testing::install_test_borrow(store, vendor, kProduct, desktop(), kNow, days, adjust);
  }
};

TEST_F(VerifierBorrowTest, ABorrowedSeatRunsOfflineWithItsFeaturesUntilItsExpiry) {
  borrow(7);
  for (const std::int64_t now : {kNow, kNow + kDay, kNow + 7 * kDay - 1}) {
    const CheckResult result = check(now);
    ASSERT_TRUE(result.ok()) << result.message();
    EXPECT_TRUE(result.borrowed());
    EXPECT_TRUE(result.has_feature("export"));
    EXPECT_FALSE(result.has_feature("admin"));
    EXPECT_EQ(result.license_id(), "lic_floating");
    EXPECT_EQ(result.expires_at(), kNow + 7 * kDay);
    EXPECT_EQ(result.refresh_by(), 0) << "a borrowed seat never checks in";
    EXPECT_FALSE(result.in_grace());
  }
}

TEST_F(VerifierBorrowTest, AnExpiredBorrowIsExpiredAndSaysToBorrowAgainOnline) {
  // Borrowed three days ago for two days: signed by a test vendor key with an
  // expiry already past, as the server would have signed it then.
  testing::install_test_borrow(store, vendor, kProduct, desktop(), kNow - 3 * kDay, 2);
  const CheckResult result = check(kNow);
  EXPECT_EQ(result.status(), LicenseStatus::expired);
  EXPECT_FALSE(result.has_feature("export"));
  EXPECT_NE(result.message().find("expired at 2026-09-20"), std::string::npos) << result.message();
  EXPECT_NE(result.message().find("nodelock lease borrow"), std::string::npos) << result.message();
}

TEST_F(VerifierBorrowTest, ABorrowEndsToTheSecondWithNoGrace) {
  borrow(2);
  ASSERT_TRUE(check(kNow + 2 * kDay - 1).ok());
  EXPECT_EQ(check(kNow + 2 * kDay).status(), LicenseStatus::expired);
}

TEST_F(VerifierBorrowTest, AnInstalledLicenseIsCheckedRatherThanABorrow) {
  borrow(7);
  testing::install_test_license(store, vendor, kProduct, desktop(), kNow,
                                [](License& license) { license.features = {"cad"}; });
  const CheckResult result = check(kNow);
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_FALSE(result.borrowed());
  EXPECT_TRUE(result.has_feature("cad"));
  EXPECT_EQ(result.license_id(), "lic_test");
}

TEST_F(VerifierBorrowTest, EveryChangedByteOfTheBorrowIsTampered) {
  const std::string original = borrow(7);
  const std::size_t body = original.find("\n\n") + 2;
  const std::size_t end = original.find("\n-----END");
  for (std::size_t at = body; at < end; at += 7) {
    std::string edited = original;
    edited[at] = edited[at] == 'A' ? 'B' : 'A';
    ASSERT_TRUE(write_file_atomic(store.borrow_path(), edited).ok());
    const CheckResult result = check(kNow);
    EXPECT_EQ(result.status(), LicenseStatus::tampered) << "byte " << at;
    EXPECT_FALSE(result.has_feature("export")) << "byte " << at;
  }
  ASSERT_TRUE(write_file_atomic(store.borrow_path(), original).ok());
  EXPECT_TRUE(check(kNow).ok()) << "the genuine file checks again";
}

TEST_F(VerifierBorrowTest, ABorrowOfAnotherMachineIsAMismatch) {
  testing::install_test_borrow(store, vendor, kProduct, laptop(), kNow, 7);
  const CheckResult result = check(kNow, desktop());
  EXPECT_EQ(result.status(), LicenseStatus::machine_mismatch);
  EXPECT_NE(result.message().find("borrowed on another machine"), std::string::npos)
      << result.message();
  EXPECT_FALSE(result.has_feature("export"));
}

TEST_F(VerifierBorrowTest, ABorrowCopiedFromAnotherInstallationIsAMismatch) {
  const crypto::SigningKey elsewhere = crypto::SigningKey::generate();
  borrow(7, [&](Borrow& borrowed) { borrowed.device_public_key = elsewhere.public_key(); });
  const CheckResult result = check(kNow);
  EXPECT_EQ(result.status(), LicenseStatus::machine_mismatch);
  EXPECT_NE(result.message().find("another installation"), std::string::npos) << result.message();
}

TEST_F(VerifierBorrowTest, ABorrowOfAnotherProductIsRefused) {
  borrow(7, [](Borrow& borrowed) { borrowed.product = "acme.viewer"; });
  const CheckResult result = check(kNow);
  EXPECT_EQ(result.status(), LicenseStatus::product_mismatch);
  EXPECT_NE(result.message().find("acme.viewer"), std::string::npos) << result.message();
}

TEST_F(VerifierBorrowTest, ABorrowSignedByAnotherVendorIsRefused) {
  const crypto::SigningKey stranger = crypto::SigningKey::generate();
  testing::install_test_borrow(store, stranger, kProduct, desktop(), kNow, 7);
  const CheckResult result = check(kNow);
  EXPECT_EQ(result.status(), LicenseStatus::tampered);
  EXPECT_FALSE(result.has_feature("export"));
}

TEST_F(VerifierBorrowTest, AnotherDocumentInTheBorrowFileIsRefused) {
  testing::install_test_license(store, vendor, kProduct, desktop(), kNow);
  const std::string license = read_file(store.license_path()).value();
  ASSERT_TRUE(write_file_atomic(store.borrow_path(), license).ok());
  std::filesystem::remove(store.license_path());
  const CheckResult result = check(kNow);
  EXPECT_EQ(result.status(), LicenseStatus::tampered);
  EXPECT_NE(result.message().find("borrowed seat's file holds another document"), std::string::npos)
      << result.message();
}

TEST_F(VerifierBorrowTest, AClockSetBackIsRefusedAsForALicense) {
  borrow(7);
  ASSERT_TRUE(check(kNow + 5 * kDay).ok());
  EXPECT_EQ(check(kNow + 2 * kDay).status(), LicenseStatus::clock_rollback)
      << "set back three days to stretch the borrow";

  const Verifier next_run({vendor.public_key()}, kProduct, testing::clock_at(kNow + 2 * kDay));
  CheckOptions options;
  options.store = root.path();
  options.sysroot = desktop();
  EXPECT_EQ(next_run.check(options).status(), LicenseStatus::clock_rollback)
      << "the latest time seen was remembered on disk";
}

TEST_F(VerifierBorrowTest, AClockBeforeTheBorrowWasIssuedIsRefused) {
  borrow(7);
  EXPECT_EQ(check(kNow - 3 * kDay).status(), LicenseStatus::clock_rollback);
}

TEST_F(VerifierBorrowTest, AReturnedBorrowLeavesTheMachineNotActivated) {
  borrow(7);
  ASSERT_TRUE(check(kNow).ok());
  std::filesystem::remove(store.borrow_path());
  EXPECT_EQ(check(kNow).status(), LicenseStatus::not_activated);
}

}  // namespace
}  // namespace nodelock
