// The Verifier's check with the fingerprint cached for the process, beside one
// Ed25519 verify of the same license document on the same backend: docs/BENCHMARKS.md
// promises a check costs at most 1.5 verifies, with no heap churn on the hot
// path. Each benchmark reports the heap allocations per iteration it made
// (allocation_counter.h).
#include <benchmark/benchmark.h>

#include "allocation_counter.h"
#include "license_factory.h"
#include "nodelock/activation/canonical_json.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/verifier.h"

namespace nodelock {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;  // 2026-09-21
const std::string kProduct = "acme.cad";

// The store with one installed license, shared by the benchmarks.
struct InstalledLicense {
  testing::TempDir root;
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  // A fixture host rather than this machine, whose identity may be too weak
  // to bind a license to.
  std::filesystem::path sysroot = testing::fixture_host("desktop-two-nics");
  License license;

  InstalledLicense() {
    license = testing::install_test_license(LocalStore(root.path(), kProduct), vendor, kProduct,
                                            sysroot, kNow);
  }

  // The bytes the vendor signature covers (docs/FORMATS.md).
  std::string signed_message() const {
    return "nodelock-v1 " + std::string(armor_label(DocumentType::license)) + "\n" +
           canonical_json(to_payload(license)).value();
  }
};

const InstalledLicense& installed() {
  static const InstalledLicense instance;
  return instance;
}

void count_allocations(benchmark::State& state, std::uint64_t before) {
  state.counters["allocs"] = benchmark::Counter(
      static_cast<double>(bench::heap_allocations() - before), benchmark::Counter::kAvgIterations);
}

// Checks for the whole benchmark, counting the allocations of the checks.
void run_checks(benchmark::State& state, const Verifier& verifier, const CheckOptions& options) {
  // The first check collects the fingerprint and parses the license; an
  // application pays that once per process.
  if (!verifier.check(options).ok()) {
    state.SkipWithError("the installed license does not check");
    return;
  }
  const std::uint64_t before = bench::heap_allocations();
  for (auto _ : state) {
    const CheckResult result = verifier.check(options);
    if (!result.ok()) {
      state.SkipWithError(result.message().c_str());
      break;
    }
    benchmark::DoNotOptimize(result.has_feature("export"));
  }
  count_allocations(state, before);
  state.SetLabel(std::string(crypto::backend_name()));
}

void BM_VerifierCheckCachedFingerprint(benchmark::State& state) {
  const InstalledLicense& fixture = installed();
  const Verifier verifier({fixture.vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = fixture.root.path();
  options.sysroot = fixture.sysroot;
  options.app_version = "4.2.0";
  options.now = kNow;
  run_checks(state, verifier, options);
}
BENCHMARK(BM_VerifierCheckCachedFingerprint)->Unit(benchmark::kMicrosecond);

// A site license file, its site id presented by the store's site-id file:
// that file is read at every check too, into a buffer that keeps its capacity.
void BM_VerifierCheckSiteLicense(benchmark::State& state) {
  testing::TempDir root;
  const crypto::SigningKey vendor = crypto::SigningKey::generate();
  const LocalStore store(root.path(), kProduct);
  testing::install_test_site_license(store, vendor, kProduct, "acme-hq", kNow);
  if (!store.save_site_id("acme-hq").ok()) {
    state.SkipWithError("cannot write the site id");
    return;
  }
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.app_version = "4.2.0";
  options.now = kNow;
  run_checks(state, verifier, options);
}
BENCHMARK(BM_VerifierCheckSiteLicense)->Unit(benchmark::kMicrosecond);

// A floating seat borrowed for offline use, where no license is installed:
// one access() more than a license's check finds the BORROW, which is read
// and compared like a license.
void BM_VerifierCheckBorrowedSeat(benchmark::State& state) {
  testing::TempDir root;
  const crypto::SigningKey vendor = crypto::SigningKey::generate();
  const std::filesystem::path sysroot = testing::fixture_host("desktop-two-nics");
  testing::install_test_borrow(LocalStore(root.path(), kProduct), vendor, kProduct, sysroot, kNow,
                               7);
  const Verifier verifier({vendor.public_key()}, kProduct);
  CheckOptions options;
  options.store = root.path();
  options.sysroot = sysroot;
  options.app_version = "4.2.0";
  options.now = kNow;
  run_checks(state, verifier, options);
}
BENCHMARK(BM_VerifierCheckBorrowedSeat)->Unit(benchmark::kMicrosecond);

// The signature check inside every Verifier::check, alone.
void BM_Ed25519VerifyLicense(benchmark::State& state) {
  const InstalledLicense& fixture = installed();
  const std::string text = fixture.signed_message();
  const crypto::ByteView message(text);
  const crypto::Signature signature = fixture.vendor.sign(message);
  const crypto::PublicKey key = fixture.vendor.public_key();
  const std::uint64_t before = bench::heap_allocations();
  for (auto _ : state) {
    if (!crypto::verify(key, message, signature)) {
      state.SkipWithError("rejected");
      break;
    }
  }
  count_allocations(state, before);
  state.SetLabel(std::string(crypto::backend_name()) + " " + std::to_string(text.size()) + " B");
}
BENCHMARK(BM_Ed25519VerifyLicense)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace nodelock
