// The Verifier's hot path allocates nothing: once a process has checked its
// license (or site license file, or borrowed seat), collected the fingerprint
// and read its clock record, later checks of the unchanged files make no heap
// allocation.
// docs/BENCHMARKS.md promises no heap allocation per check; an application may
// check before every protected operation.
#include <gtest/gtest.h>

#include "allocation_counter.h"
#include "verifier_fixture.h"

namespace nodelock {
namespace {

using testing::desktop;
using testing::kNow;
using testing::kProduct;

constexpr int kChecks = 1000;

// Written through, so the compiler cannot leave out the allocation the
// counter's own test makes.
std::string* volatile escaped = nullptr;

class VerifierAllocationTest : public testing::OneVerifierTest {
 protected:
  // The allocations of kChecks checks of a warm Verifier, all of which must
  // be valid. Nothing in the loop but the checks allocates.
  std::uint64_t allocations_of_checks(const std::string& site_id = "") {
    CheckOptions options;
    options.store = root.path();
    options.app_version = "4.2.0";
    options.sysroot = desktop();
    options.site_id = site_id;
    // The first check verifies the file, collects the fingerprint and writes
    // the clock record; the second reads that record back, once, into a
    // buffer that keeps its capacity.
    for (int warming = 0; warming < 2; ++warming) {
      const CheckResult result = verifier.check(options);
      EXPECT_TRUE(result.ok()) << result.message();
    }
    bool all_valid = true;
    const std::uint64_t before = bench::heap_allocations();
    for (int i = 0; i < kChecks; ++i) {
      const CheckResult result = verifier.check(options);
      all_valid = all_valid && result.ok() && result.has_feature("export");
    }
    const std::uint64_t made = bench::heap_allocations() - before;
    EXPECT_TRUE(all_valid);
    return made;
  }
};

TEST_F(VerifierAllocationTest, CheckingAnUnchangedLicenseAllocatesNothing) {
  testing::install_test_license(store, vendor, kProduct, desktop(), kNow);
  EXPECT_EQ(allocations_of_checks(), 0u);
}

TEST_F(VerifierAllocationTest, CheckingABorrowedSeatAllocatesNothing) {
  testing::install_test_borrow(store, vendor, kProduct, desktop(), kNow, 7);
  EXPECT_EQ(allocations_of_checks(), 0u);
}

TEST_F(VerifierAllocationTest, CheckingASiteLicenseFileAllocatesNothing) {
  testing::install_test_site_license(store, vendor, kProduct, "acme-hq", kNow);
  EXPECT_EQ(allocations_of_checks("acme-hq"), 0u);
}

TEST_F(VerifierAllocationTest, TheCounterSeesAnAllocation) {
  const std::uint64_t before = bench::heap_allocations();
  escaped = new std::string(100, 'x');
  const std::uint64_t after = bench::heap_allocations();
  delete escaped;
  EXPECT_GT(after, before) << "otherwise a zero above proves nothing";
}

}  // namespace
}  // namespace nodelock
