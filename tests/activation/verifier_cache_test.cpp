// One Verifier, many checks: what it remembers between checks (the verified
// license text, the clock record's verified time) never hides a change made on
// disk in between. Each test checks once so the caches are warm, changes the
// store, and expects the very next check to see it.
#include <gtest/gtest.h>

#include <fstream>

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

class VerifierCacheTest : public testing::OneVerifierTest {
 protected:
  License install(const std::function<void(License&)>& adjust = {},
                  const std::filesystem::path& sysroot = desktop()) {
    return testing::install_test_license(store, vendor, kProduct, sysroot, kNow, adjust);
  }

  // Overwrites bytes of a file in place, keeping its inode and size, and puts
  // its modification time back: what an attacker hiding an edit would do.
  static void edit_in_place(const std::filesystem::path& path, std::size_t offset, char byte) {
    const auto modified = std::filesystem::last_write_time(path);
    {
      std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>(offset));
      file.put(byte);
    }
    std::filesystem::last_write_time(path, modified);
  }
};

TEST_F(VerifierCacheTest, LicenseSwappedForAnotherOfTheSameVendorIsTheOneChecked) {
  install();
  const CheckResult first = check();
  ASSERT_TRUE(first.ok()) << first.message();
  ASSERT_TRUE(first.has_feature("render"));

  install([](License& license) {
    license.license_id = "lic_other";
    license.features = {"export"};
  });
  const CheckResult swapped = check();
  ASSERT_TRUE(swapped.ok()) << swapped.message();
  EXPECT_EQ(swapped.license_id(), "lic_other");
  EXPECT_FALSE(swapped.has_feature("render"));
}

TEST_F(VerifierCacheTest, LicenseSwappedForOneOfAnotherMachineIsAMismatch) {
  install();
  ASSERT_TRUE(check().ok());
  install({}, testing::fixture_host("kvm-virtio"));
  EXPECT_EQ(check().status(), LicenseStatus::machine_mismatch);
}

TEST_F(VerifierCacheTest, OneByteEditedWithSizeInodeAndTimeKeptIsTampered) {
  install();
  ASSERT_TRUE(check().ok());
  const std::string original = read_file(store.license_path()).value();
  const std::size_t offset = original.find("\n\n") + 20;
  ASSERT_LT(offset, original.size());
  edit_in_place(store.license_path(), offset, original[offset] == 'A' ? 'B' : 'A');
  const CheckResult result = check();
  EXPECT_EQ(result.status(), LicenseStatus::tampered);
  EXPECT_FALSE(result.has_feature("export"));

  edit_in_place(store.license_path(), offset, original[offset]);
  EXPECT_TRUE(check().ok()) << "the genuine bytes are valid again";
}

TEST_F(VerifierCacheTest, LicenseDeletedBetweenChecksIsNotActivated) {
  install();
  ASSERT_TRUE(check().ok());
  ASSERT_TRUE(std::filesystem::remove(store.license_path()));
  const CheckResult result = check();
  EXPECT_EQ(result.status(), LicenseStatus::not_activated);
  EXPECT_FALSE(result.has_feature("export"));
}

TEST_F(VerifierCacheTest, RefusalSavedBetweenChecksIsReported) {
  install();
  ASSERT_TRUE(check().ok());
  ASSERT_TRUE(store.save_refusal({ErrorCode::suspended, "Suspended by the vendor."}).ok());
  EXPECT_EQ(check().status(), LicenseStatus::suspended);
}

TEST_F(VerifierCacheTest, ClockRecordEditedBetweenChecksIsTampered) {
  install();
  ASSERT_TRUE(check().ok());
  const auto record = store.directory() / "clock.json";
  const std::string text = read_file(record).value();
  const std::size_t digit = text.find("last_seen\":") + 11;
  ASSERT_LT(digit, text.size());
  // Another time under the old MAC, same size, same mtime.
  edit_in_place(record, digit, text[digit] == '1' ? '2' : '1');
  EXPECT_EQ(check().status(), LicenseStatus::tampered);
}

TEST_F(VerifierCacheTest, ClockSetBackAfterManyFastChecksIsNoticed) {
  install();
  const std::int64_t start = kNow + 10 * kDay;
  // Checks a second apart for longer than the record's write interval: most
  // of them reuse the cached record, some rewrite it.
  for (std::int64_t second = 0; second < 1500; ++second) {
    ASSERT_TRUE(check(start + second).ok()) << "second " << second;
  }
  EXPECT_EQ(check(kNow + 5 * kDay).status(), LicenseStatus::clock_rollback);

  const Verifier next_run({vendor.public_key()}, kProduct, testing::clock_at(kNow + 5 * kDay));
  CheckOptions options;
  options.store = root.path();
  options.sysroot = desktop();
  EXPECT_EQ(next_run.check(options).status(), LicenseStatus::clock_rollback)
      << "the latest time seen was remembered on disk";
}

}  // namespace
}  // namespace nodelock
