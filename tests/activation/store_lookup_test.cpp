// Where a license is looked for: the user's own store, then the per-machine
// store an installer running as root activated into, which every user reads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "license_factory.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "process.h"
#include "scoped_variable.h"
#include "verifier_fixture.h"

namespace nodelock {
namespace {

using testing::desktop;
using testing::kProduct;

using testing::ScopedVariable;

class StoreLookupTest : public ::testing::Test {
 protected:
  testing::TempDir machine;  // the per-machine root
  testing::TempDir user;     // the per-user data directory
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  ScopedVariable chosen{"NODELOCK_STORE", std::nullopt};
  ScopedVariable packaged{"NODELOCK_MACHINE_STORE", machine.path().string()};
  ScopedVariable data_home{"XDG_DATA_HOME", user.path().string()};

  // What an installer running as root leaves in the per-machine store.
  // Issued `at`: the command checks on the real clock.
  License activate_for_the_machine(std::int64_t at = testing::kNow) {
    const LocalStore store(machine.path(), kProduct);
    EXPECT_TRUE(store.save_vendor_keys({vendor.public_key()}).ok());
    return testing::install_test_license(store, vendor, kProduct, desktop(), at);
  }

  CheckResult check_default_store() const {
    const Verifier verifier({vendor.public_key()}, kProduct, testing::clock_at(testing::kNow));
    CheckOptions options;
    options.sysroot = desktop();
    return verifier.check(options);
  }
};

TEST_F(StoreLookupTest, TheMachineRootFollowsThePackagesSetting) {
  EXPECT_EQ(LocalStore::machine_root(), machine.path());
  const ScopedVariable relative{"NODELOCK_MACHINE_STORE", "var/lib/nodelock"};
  EXPECT_EQ(LocalStore::machine_root(), "/var/lib/nodelock") << "only an absolute path counts";
}

TEST_F(StoreLookupTest, AChosenStoreIsTheOnlyPlaceLooked) {
  const ScopedVariable only{"NODELOCK_STORE", "/srv/licenses"};
  EXPECT_EQ(LocalStore::search_roots(), std::vector<std::filesystem::path>{"/srv/licenses"});
}

TEST_F(StoreLookupTest, TheUsersOwnStoreComesBeforeTheMachines) {
  const auto roots = LocalStore::search_roots();
  if (::geteuid() == 0) {
    EXPECT_EQ(roots, std::vector<std::filesystem::path>{machine.path()});
  } else {
    EXPECT_EQ(roots,
              (std::vector<std::filesystem::path>{user.path() / "nodelock", machine.path()}));
  }
}

TEST_F(StoreLookupTest, AVerifierWithoutAStoreFindsTheMachinesLicense) {
  const License installed = activate_for_the_machine();
  const CheckResult result = check_default_store();
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result.license_id(), installed.license_id);
}

TEST_F(StoreLookupTest, NotActivatedNamesEveryPlaceLooked) {
  const CheckResult result = check_default_store();
  EXPECT_EQ(result.status(), LicenseStatus::not_activated);
  for (const auto& root : LocalStore::search_roots()) {
    EXPECT_NE(result.message().find((root / kProduct).string()), std::string::npos)
        << result.message();
  }
}

// The installer ran as root; the application runs as an ordinary user, who
// can read the license but not the device key, and keeps its clock record in
// its own state directory.
TEST_F(StoreLookupTest, AnOrdinaryUserRunsOnTheLicenseRootActivated) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as the installer and then as nobody";
  const std::int64_t now = std::time(nullptr);
  const License installed = activate_for_the_machine(now);
  std::filesystem::permissions(machine.path(), std::filesystem::perms(0755));
  std::filesystem::permissions(user.path(), std::filesystem::perms(0777));
  testing::ProcessOptions as_nobody;
  as_nobody.user = testing::RunAs::unprivileged_user;
  as_nobody.environment = {"HOME=" + user.path().string()};
  const testing::ProcessResult status = testing::run_nodelock(
      {"status", "--product", kProduct, "--sysroot", desktop().string(), "--json"}, as_nobody);
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("\"license_id\":\"" + installed.license_id + "\""), std::string::npos)
      << status.out;

  testing::ProcessResult only_product =
      testing::run_nodelock({"status", "--sysroot", desktop().string(), "--json"}, as_nobody);
  EXPECT_EQ(only_product.exit_code, 0) << only_product.err << "the one product is found there";

  const LocalStore own(user.path() / "nodelock", kProduct);
  ASSERT_TRUE(own.save_vendor_keys({vendor.public_key()}).ok());
  testing::install_test_license(own, vendor, kProduct, desktop(), now,
                                [](License& license) { license.license_id = "lic_own"; });
  const testing::ProcessResult preferred = testing::run_nodelock(
      {"status", "--product", kProduct, "--sysroot", desktop().string(), "--json"}, as_nobody);
  EXPECT_NE(preferred.out.find("\"license_id\":\"lic_own\""), std::string::npos)
      << "the user's own store comes first: " << preferred.out << preferred.err;
}

}  // namespace
}  // namespace nodelock
