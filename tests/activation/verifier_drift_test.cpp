// A machine changed within its policy: support must be able to match it to its
// seat (the ID it was enrolled with beside the one it shows now), and hear when
// it matches with little to spare, through the Verifier and `nodelock status`.
#include <gtest/gtest.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "license_factory.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"
#include "nodelock/crypto/key_file.h"
#include "nodelock/fingerprint/match.h"
#include "process.h"

namespace nodelock {
namespace {

const std::string kProduct = "acme.cad";

// The KVM guest enrolled, and a copy of it in another directory to change, so
// that no fingerprint cached for one tree stands in for the other.
class MachineDriftTest : public ::testing::Test {
 protected:
  MachineDriftTest() {
    for (const auto& tree : {enrolled_, current_}) {
      std::filesystem::copy(
          testing::fixture_host("kvm-virtio"), tree,
          std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
    }
    // Now: `nodelock status` checks the license at the real time.
    testing::install_test_license(store_, vendor_, kProduct, enrolled_, now_);
    EXPECT_TRUE(crypto::write_public_key_file(pubkey_, vendor_.public_key()).ok());
  }

  // The guest reinstalled in place: a new machine-id and a root file system
  // made anew (a new UUID); the hypervisor's MAC and product_uuid are kept.
  void reinstall() const {
    testing::write_text(current_ / "etc/machine-id", "6d0e4f1a2b3c4d5e8f90a1b2c3d4e5f6\n");
    const std::filesystem::path links = current_ / "dev/disk/by-uuid";
    std::filesystem::remove(links / "f2c7a91e-5d3b-4e68-b0a4-c19e7d2f6a85");
    std::filesystem::create_symlink("../../vda1", links / "0b6e2d4f-8a1c-4e3b-9d5f-7a2c4e6b8d0f");
  }

  CheckResult check(const std::filesystem::path& sysroot) const {
    const Verifier verifier({vendor_.public_key()}, kProduct);
    CheckOptions options;
    options.store = root_.path();
    options.now = now_;
    options.sysroot = sysroot;
    return verifier.check(options);
  }

  testing::ProcessResult status(const std::filesystem::path& sysroot, bool json) const {
    std::vector<std::string> words = {
        "status",    "--product",      kProduct,   "--store",       root_.path().string(),
        "--sysroot", sysroot.string(), "--pubkey", pubkey_.string()};
    if (json) words.push_back("--json");
    return testing::run_nodelock(words);
  }

  testing::TempDir root_;
  testing::TempDir hosts_;
  std::filesystem::path enrolled_ = hosts_.path() / "enrolled";
  std::filesystem::path current_ = hosts_.path() / "current";
  std::filesystem::path pubkey_ = hosts_.path() / "vendor.pub";
  std::int64_t now_ = static_cast<std::int64_t>(std::time(nullptr));
  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
  LocalStore store_{root_.path(), kProduct};
};

TEST_F(MachineDriftTest, AnUnchangedMachineShowsOneIdAndNoWarning) {
  const CheckResult result = check(current_);
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result.current_machine_id(), result.machine_id());
  EXPECT_EQ(result.match_warning(), "");
  const testing::ProcessResult shown = status(current_, false);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out.find("This machine:"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find("Warning"), std::string::npos) << shown.out;
}

TEST_F(MachineDriftTest, AnUnchangedMachineWithoutMarginIsNotToldToActivateAgain) {
  LocalStore store(root_.path(), kProduct);
  testing::install_test_license(store, vendor_, kProduct, enrolled_, now_, [](License& license) {
    license.match_policy.threshold =
        fingerprint::match(license.fingerprint, license.fingerprint, license.match_policy).score();
  });
  const CheckResult result = check(current_);
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(result.current_machine_id(), result.machine_id());
  EXPECT_NE(result.match_warning().find("only just enough identity"), std::string::npos)
      << result.match_warning();
  EXPECT_EQ(result.match_warning().find("Activate again"), std::string::npos)
      << "enrolling again would change nothing: " << result.match_warning();
}

TEST_F(MachineDriftTest, AToleratedChangeShowsBothIdsAndWarnsWithLittleToSpare) {
  reinstall();
  const CheckResult result = check(current_);
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_NE(result.current_machine_id(), result.machine_id());
  EXPECT_NE(result.match_warning().find("little to spare: disk changed, machine_id changed"),
            std::string::npos)
      << result.match_warning();
  EXPECT_NE(result.match_warning().find(result.machine_id()), std::string::npos);

  const testing::ProcessResult shown = status(current_, false);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("This machine: " + result.current_machine_id() + " now (enrolled as " +
                           result.machine_id()),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("Warning:     this machine matches"), std::string::npos) << shown.out;

  const testing::ProcessResult json = status(current_, true);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["machine_id"], result.machine_id());
  EXPECT_EQ(parsed["current_machine_id"], result.current_machine_id());
  ASSERT_EQ(parsed["warnings"].size(), 1u) << json.out;
}

}  // namespace
}  // namespace nodelock
