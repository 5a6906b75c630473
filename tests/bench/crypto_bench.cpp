// The crypto primitives on the compiled backend (crypto::backend_name()): the
// costs behind activations, the Verifier's check and lease heartbeats.
#include <benchmark/benchmark.h>

#include "nodelock/crypto/crypto.h"

namespace nodelock::crypto {
namespace {

// About the size of a signed license payload in canonical JSON.
constexpr std::size_t kDocumentSize = 512;

void BM_Ed25519Sign(benchmark::State& state) {
  const SigningKey key = SigningKey::generate();
  const Bytes document = random_bytes(kDocumentSize);
  for (auto _ : state) benchmark::DoNotOptimize(key.sign(document));
  state.SetLabel(std::string(backend_name()));
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  const SigningKey key = SigningKey::generate();
  const Bytes document = random_bytes(kDocumentSize);
  const Signature signature = key.sign(document);
  for (auto _ : state) {
    if (!verify(key.public_key(), document, signature)) state.SkipWithError("rejected");
  }
  state.SetLabel(std::string(backend_name()));
}
BENCHMARK(BM_Ed25519Verify);

void BM_Sha256Of1KiB(benchmark::State& state) {
  const Bytes data = random_bytes(1024);
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
  state.SetLabel(std::string(backend_name()));
}
BENCHMARK(BM_Sha256Of1KiB);

// A lease heartbeat: a per-lease secret over a short message.
void BM_HmacSha256Of64Bytes(benchmark::State& state) {
  const Bytes lease_secret = random_bytes(32);
  const Bytes heartbeat = random_bytes(64);
  for (auto _ : state) benchmark::DoNotOptimize(hmac_sha256(lease_secret, heartbeat));
  state.SetLabel(std::string(backend_name()));
}
BENCHMARK(BM_HmacSha256Of64Bytes);

}  // namespace
}  // namespace nodelock::crypto
