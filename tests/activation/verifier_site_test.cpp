// The Verifier and site license files: valid on any machine presenting the
// file's site id, refused with outside_site elsewhere, and as strict as a
// machine's own license about tampering, signers and expiry.
#include <gtest/gtest.h>

#include <fstream>

#include "license_factory.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "nodelock/crypto/file_io.h"

namespace nodelock {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr std::int64_t kDay = 24 * 3600;
const std::string kProduct = "acme.cad";
const std::string kSite = "acme-hq";

class VerifierSiteTest : public ::testing::Test {
 protected:
  testing::TempDir root;
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  LocalStore store{root.path(), kProduct};

  CheckResult check(const std::string& site_id, std::int64_t now = kNow,
                    const std::string& host = "desktop-two-nics") {
    const Verifier verifier({vendor.public_key()}, kProduct);
    CheckOptions options;
    options.store = root.path();
    options.now = now;
    options.app_version = "4.2.0";
    options.sysroot = testing::fixture_host(host);
    options.site_id = site_id;
    return verifier.check(options);
  }

  std::string install(const std::function<void(SiteLicense&)>& adjust = {}) {
    return testing::install_test_site_license(store, vendor, kProduct, kSite, kNow, adjust);
  }
};

TEST_F(VerifierSiteTest, AnyMachinePresentingTheSiteIdRunsTheFile) {
  install();
  for (const char* host : {"desktop-two-nics", "laptop-wifi-docker", "kvm-virtio"}) {
    const CheckResult result = check(kSite, kNow, host);
    ASSERT_TRUE(result.ok()) << host << ": " << result.message();
    EXPECT_TRUE(result.has_feature("export"));
    EXPECT_EQ(result.site_id(), kSite);
    EXPECT_EQ(result.licensee(), "ACME Corp");
    EXPECT_EQ(result.license_id(), "lic_site");
    EXPECT_TRUE(result.machine_id().empty());
    EXPECT_EQ(result.refresh_by(), 0);
  }
}

TEST_F(VerifierSiteTest, TheStoresSiteIdFileIsTheDefaultAndIsReadAtEveryCheck) {
  install();
  ASSERT_TRUE(store.save_site_id(kSite).ok());
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.now = kNow;
  ASSERT_TRUE(verifier.check(options).ok()) << verifier.check(options).message();
  std::ofstream(store.site_id_path()) << "  acme-branch \n";
  const CheckResult moved = verifier.check(options);
  EXPECT_EQ(moved.status(), LicenseStatus::outside_site);
  EXPECT_NE(moved.message().find("acme-branch"), std::string::npos) << moved.message();
  std::ofstream(store.site_id_path()) << kSite << "\n";
  EXPECT_TRUE(verifier.check(options).ok());
}

TEST_F(VerifierSiteTest, AMachineWithoutOrWithAnotherSiteIdIsOutsideTheSite) {
  install();
  const CheckResult none = check("");
  EXPECT_EQ(none.status(), LicenseStatus::outside_site);
  EXPECT_EQ(status_name(none.status()), "outside_site");
  EXPECT_NE(none.message().find("no site id"), std::string::npos) << none.message();
  EXPECT_EQ(none.message().find("--site-id acme-hq"), std::string::npos)
      << "never told to declare the file's site: " << none.message();
  EXPECT_NE(none.message().find("--site-id SITE"), std::string::npos) << none.message();
  const CheckResult other = check("acme-branch");
  EXPECT_EQ(other.status(), LicenseStatus::outside_site);
  EXPECT_NE(other.message().find("'acme-hq'"), std::string::npos) << other.message();
  EXPECT_FALSE(other.has_feature("export"));
  EXPECT_EQ(check("ACME-HQ").status(), LicenseStatus::outside_site) << "site ids compare exactly";
}

TEST_F(VerifierSiteTest, EveryChangedByteOfTheBodyIsRefused) {
  const std::string original = install();
  const auto body = original.find("\n\n") + 2;
  const auto end = original.find("-----END");
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.now = kNow;
  options.site_id = kSite;
  ASSERT_TRUE(verifier.check(options).ok());
  for (std::size_t i = body; i < end; i += 7) {
    if (original[i] == '\n') continue;
    std::string changed = original;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    ASSERT_TRUE(
        write_file_atomic(store.license_path(), changed,
                          std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
            .ok());
    const CheckResult result = verifier.check(options);
    EXPECT_EQ(result.status(), LicenseStatus::tampered) << "byte " << i;
  }
}

TEST_F(VerifierSiteTest, AnotherVendorsFileIsRefused) {
  const crypto::SigningKey stranger = crypto::SigningKey::generate();
  testing::install_test_site_license(store, stranger, kProduct, kSite, kNow);
  const CheckResult result = check(kSite);
  EXPECT_EQ(result.status(), LicenseStatus::tampered);
  EXPECT_NE(result.message().find("vendor"), std::string::npos) << result.message();
}

TEST_F(VerifierSiteTest, AFileForAnotherProductIsRefused) {
  testing::install_test_site_license(store, vendor, "other.app", kSite, kNow);
  EXPECT_EQ(check(kSite).status(), LicenseStatus::product_mismatch);
}

TEST_F(VerifierSiteTest, ExpiryAndGraceHoldAndNoCheckInIsEverDue) {
  install([](SiteLicense& license) {
    license.term = Term::subscription;
    license.expires_at = kNow + 10 * kDay;
    license.grace_days = 3;
  });
  EXPECT_TRUE(check(kSite, kNow + 9 * kDay).ok());
  const CheckResult grace = check(kSite, kNow + 12 * kDay);
  EXPECT_TRUE(grace.ok()) << grace.message();
  EXPECT_TRUE(grace.in_grace());
  EXPECT_EQ(check(kSite, kNow + 14 * kDay).status(), LicenseStatus::expired);

  install();
  const CheckResult years_later = check(kSite, kNow + 3650 * kDay);
  EXPECT_TRUE(years_later.ok()) << years_later.message();
  EXPECT_FALSE(years_later.in_grace());
}

TEST_F(VerifierSiteTest, TheVersionEntitlementHolds) {
  install([](SiteLicense& license) { license.max_version = 3; });
  EXPECT_EQ(check(kSite).status(), LicenseStatus::version_not_covered);
}

TEST(SiteLicensePayload, AReadPayloadIsStrict) {
  SiteLicense license;
  license.license_id = "lic_1";
  license.product = "acme.cad";
  license.site_id = "acme-hq";
  const nlohmann::json good = to_payload(license);
  ASSERT_TRUE(site_license_from_payload(good).ok());
  const auto refused = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json payload = good;
    change(payload);
    return !site_license_from_payload(payload).ok();
  };
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["site_id"] = "ACME HQ"; }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["site_id"] = ""; }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["site_id"] = 7; }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p.erase("site_id"); }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["model"] = "node-locked"; }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["fingerprint"] = nlohmann::json::object(); }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["type"] = "license"; }));
  EXPECT_TRUE(refused([](nlohmann::json& p) { p["term"] = "forever"; }));
}

}  // namespace
}  // namespace nodelock
