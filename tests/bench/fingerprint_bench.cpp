// Fingerprint collection, cold: every iteration reads procfs, sysfs and /etc
// anew and hashes the result, as an application's first check does before the
// process-wide cache holds the answer. The cached path is measured beside it.
#include <benchmark/benchmark.h>

#include "nodelock/fingerprint/collect.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::fingerprint {
namespace {

void collect_and_hash(benchmark::State& state, const CollectOptions& options) {
  for (auto _ : state) {
    auto collected = collect(options);
    if (!collected.ok()) {
      state.SkipWithError(collected.message().c_str());
      return;
    }
    benchmark::DoNotOptimize(hash_components(*collected, "acme"));
  }
}

void BM_CollectThisMachine(benchmark::State& state) { collect_and_hash(state, {}); }
BENCHMARK(BM_CollectThisMachine)->Unit(benchmark::kMicrosecond);

// The laptop fixture: LUKS over NVMe, Wi-Fi, docker0, a bridge and a veth.
void BM_CollectLaptopFixture(benchmark::State& state) {
  CollectOptions options;
  options.root = std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/laptop-wifi-docker";
  collect_and_hash(state, options);
}
BENCHMARK(BM_CollectLaptopFixture)->Unit(benchmark::kMicrosecond);

void BM_CachedFingerprint(benchmark::State& state) {
  const CollectOptions options;
  for (auto _ : state) benchmark::DoNotOptimize(cached_fingerprint(options, "acme"));
}
BENCHMARK(BM_CachedFingerprint)->Unit(benchmark::kMicrosecond);

void BM_MatchLaptopAgainstItself(benchmark::State& state) {
  CollectOptions options;
  options.root = std::string(NODELOCK_TESTS_DIR) + "/fixtures/hosts/laptop-wifi-docker";
  const Fingerprint print = hash_components(*collect(options), "acme");
  for (auto _ : state) {
    benchmark::DoNotOptimize(match(print, print, MatchPolicy::standard()).ok());
  }
}
BENCHMARK(BM_MatchLaptopAgainstItself);

}  // namespace
}  // namespace nodelock::fingerprint
