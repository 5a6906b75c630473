// The Verifier's promises: each way a license can be wrong gives its own status.
#include "nodelock/activation/verifier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "license_factory.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/file_io.h"
#include "verifier_fixture.h"

namespace nodelock {
namespace {

using testing::desktop;
using testing::kDay;
using testing::kNow;
using testing::kProduct;

class VerifierTest : public ::testing::Test {
 protected:
  testing::TempDir root;
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  LocalStore store{root.path(), kProduct};

  CheckResult check(std::int64_t now = kNow, const std::string& version = "4.2.0",
                    const std::filesystem::path& sysroot = desktop()) {
    const Verifier verifier({vendor.public_key()}, kProduct, testing::clock_at(now));
    CheckOptions options;
    options.store = root.path();
    options.app_version = version;
    options.sysroot = sysroot;
    return verifier.check(options);
  }

  License install(const std::function<void(License&)>& adjust = {},
                  const std::filesystem::path& sysroot = desktop()) {
    return testing::install_test_license(store, vendor, kProduct, sysroot, kNow, adjust);
  }
};

TEST_F(VerifierTest, NoLicenseIsNotActivated) {
  const CheckResult result = check();
  EXPECT_EQ(result.status(), LicenseStatus::not_activated);
  EXPECT_NE(result.message().find("nodelock activate"), std::string::npos);
}

TEST_F(VerifierTest, GenuineLicenseIsValidWithItsFeatures) {
  install();
  const CheckResult result = check();
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_TRUE(result.has_feature("export"));
  EXPECT_FALSE(result.has_feature("admin"));
  EXPECT_EQ(result.license_id(), "lic_test");
  EXPECT_FALSE(result.in_grace());
}

TEST_F(VerifierTest, RepeatedChecksStayValid) {
  install();
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.sysroot = desktop();
  options.now = kNow;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(verifier.check(options).ok());
}

TEST_F(VerifierTest, EveryChangedByteOfTheLicenseFileIsRefused) {
  install();
  const std::string original = read_file(store.license_path()).value();
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.sysroot = desktop();
  options.now = kNow;
  // Bytes of the base64 body: every change there alters the signed envelope.
  const std::size_t body = original.find("\n\n") + 2;
  for (std::size_t i = body; i < original.size() && original[i] != '-'; i += 7) {
    if (original[i] == '\n') continue;
    std::string changed = original;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    ASSERT_TRUE(write_file_atomic(store.license_path(), changed).ok());
    const CheckResult result = verifier.check(options);
    ASSERT_EQ(result.status(), LicenseStatus::tampered) << "byte " << i;
    EXPECT_FALSE(result.has_feature("export"));
  }
  ASSERT_TRUE(write_file_atomic(store.license_path(), original).ok());
  EXPECT_TRUE(verifier.check(options).ok());
}

TEST_F(VerifierTest, LicenseOfAnotherVendorIsTampered) {
  install();
  const crypto::SigningKey other = crypto::SigningKey::generate();
  const Verifier verifier({other.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.sysroot = desktop();
  options.now = kNow;
  const CheckResult result = verifier.check(options);
  EXPECT_EQ(result.status(), LicenseStatus::tampered);
  EXPECT_NE(result.message().find("vendor"), std::string::npos);
}

TEST_F(VerifierTest, LicenseCopiedToAnotherMachineIsAMismatch) {
  install({}, testing::fixture_host("kvm-virtio"));
  EXPECT_TRUE(check(kNow, "4.2.0", testing::fixture_host("kvm-virtio")).ok());
  const CheckResult result = check(kNow, "4.2.0", testing::fixture_host("laptop-wifi-docker"));
  EXPECT_EQ(result.status(), LicenseStatus::machine_mismatch);
  EXPECT_NE(result.message().find("another"), std::string::npos);
}

TEST_F(VerifierTest, ClockSetBackIsNoticed) {
  install();
  ASSERT_TRUE(check(kNow + 10 * kDay).ok());
  EXPECT_TRUE(check(kNow + 10 * kDay - 3600).ok()) << "small corrections are tolerated";
  EXPECT_EQ(check(kNow + 5 * kDay).status(), LicenseStatus::clock_rollback);
}

TEST_F(VerifierTest, ClockBeforeTheLicenseWasIssuedIsNoticed) {
  install();
  EXPECT_EQ(check(kNow - 3 * kDay).status(), LicenseStatus::clock_rollback);
}

TEST_F(VerifierTest, EditedClockRecordIsTampered) {
  install();
  ASSERT_TRUE(check(kNow).ok());
  const auto record = store.directory() / "clock.json";
  ASSERT_TRUE(write_file_atomic(record, "{\"last_seen\":1,\"mac\":\"00\"}").ok());
  EXPECT_EQ(check(kNow).status(), LicenseStatus::tampered);
}

// Every file under `root` with its bytes.
std::map<std::string, std::string> files_under(const std::filesystem::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[entry.path().string()] = read_file(entry.path()).value();
  }
  return files;
}

TEST_F(VerifierTest, AWhatIfCheckLeavesTheStoreByteForByteUnchanged) {
  install([](License& license) { license.expires_at = kNow + 30 * kDay; });
  ASSERT_TRUE(check(kNow).ok());
  const auto before = files_under(root.path());

  const Verifier verifier({vendor.public_key()}, kProduct, testing::clock_at(kNow));
  CheckOptions next_month;
  next_month.store = root.path();
  next_month.sysroot = desktop();
  next_month.now = kNow + 29 * kDay;
  EXPECT_TRUE(verifier.check(next_month).ok());
  next_month.now = kNow + 31 * kDay;
  EXPECT_EQ(verifier.check(next_month).status(), LicenseStatus::expired);

  EXPECT_EQ(files_under(root.path()), before);
  EXPECT_TRUE(check(kNow + 3600).ok()) << "a what-if time ahead leaves no mark on the real clock";
}

TEST_F(VerifierTest, AWhatIfTimeIsJudgedOnTheTermsNotOnTheClockRecord) {
  install();
  ASSERT_TRUE(check(kNow + 10 * kDay).ok());
  const Verifier verifier({vendor.public_key()}, kProduct, testing::clock_at(kNow + 10 * kDay));
  CheckOptions last_week;
  last_week.store = root.path();
  last_week.sysroot = desktop();
  last_week.now = kNow + 3 * kDay;
  EXPECT_TRUE(verifier.check(last_week).ok()) << verifier.check(last_week).message();
}

TEST_F(VerifierTest, SubscriptionExpiresAfterItsGraceDays) {
  install([](License& license) {
    license.term = Term::subscription;
    license.expires_at = kNow + 10 * kDay;
    license.grace_days = 3;
    license.refresh_by = kNow + 60 * kDay;
  });
  EXPECT_TRUE(check(kNow + 9 * kDay).ok());
  const CheckResult in_grace = check(kNow + 12 * kDay);
  EXPECT_TRUE(in_grace.ok());
  EXPECT_TRUE(in_grace.in_grace());
  const CheckResult expired = check(kNow + 14 * kDay);
  EXPECT_EQ(expired.status(), LicenseStatus::expired);
  EXPECT_NE(expired.message().find("Renew"), std::string::npos);
}

TEST_F(VerifierTest, LicensePastItsRefreshDateNeedsRefresh) {
  install([](License& license) { license.refresh_by = kNow + 5 * kDay; });
  EXPECT_TRUE(check(kNow + 4 * kDay).ok());
  const CheckResult result = check(kNow + 6 * kDay);
  EXPECT_EQ(result.status(), LicenseStatus::needs_refresh);
  EXPECT_NE(result.message().find("nodelock refresh"), std::string::npos);
}

TEST_F(VerifierTest, LicenseActivatedByFilesPastItsRefreshDateSaysToRenewByFile) {
  const License license = install([](License& terms) { terms.refresh_by = kNow + 5 * kDay; });
  auto text = store.read_license();
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(
      store.save_activation(*text, {"", "", license.license_id, license.activation_id, ""}).ok());
  const CheckResult result = check(kNow + 6 * kDay);
  EXPECT_EQ(result.status(), LicenseStatus::needs_refresh);
  EXPECT_NE(result.message().find("nodelock offline request --renew --product acme.cad"),
            std::string::npos)
      << result.message();
  EXPECT_EQ(result.message().find("nodelock refresh"), std::string::npos) << result.message();
}

TEST_F(VerifierTest, RefreshDateAtTheEndOfTheTermAsksForNoCheckIn) {
  install([](License& license) {
    license.term = Term::subscription;
    license.expires_at = kNow + 400 * kDay;
    license.grace_days = 3;
    license.refresh_by = kNow + 403 * kDay;
  });
  const CheckResult result = check(kNow + 402 * kDay);
  EXPECT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result.refresh_by(), 0);
}

TEST_F(VerifierTest, NewerMajorVersionIsNotCovered) {
  install([](License& license) { license.max_version = 4; });
  EXPECT_TRUE(check(kNow, "4.9.1").ok());
  EXPECT_EQ(check(kNow, "5.0.0").status(), LicenseStatus::version_not_covered);
}

TEST_F(VerifierTest, RefusalLearntAtCheckInIsReported) {
  install();
  ASSERT_TRUE(store.save_refusal({ErrorCode::suspended, "Suspended by the vendor."}).ok());
  EXPECT_EQ(check().status(), LicenseStatus::suspended);
  ASSERT_TRUE(store.save_refusal({ErrorCode::revoked, "Reset by support."}).ok());
  const CheckResult result = check();
  EXPECT_EQ(result.status(), LicenseStatus::revoked);
  EXPECT_EQ(result.message(), "Reset by support.");
}

TEST_F(VerifierTest, LicenseForAnotherProductIsRefused) {
  const LocalStore other_store(root.path(), "other.app");
  testing::install_test_license(other_store, vendor, "other.app", desktop(), kNow);
  std::filesystem::create_directories(store.directory());
  std::filesystem::copy_file(other_store.license_path(), store.license_path());
  // The vendor's genuine license, for another of its products: not tampering.
  const CheckResult result = check();
  EXPECT_EQ(result.status(), LicenseStatus::product_mismatch) << result.message();
  EXPECT_EQ(status_name(result.status()), "product_mismatch");
  EXPECT_NE(result.message().find("for product 'other.app', not 'acme.cad'"), std::string::npos)
      << result.message();
  EXPECT_FALSE(result.has_feature("export"));
}

}  // namespace
}  // namespace nodelock
