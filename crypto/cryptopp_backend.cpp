// The Crypto++ backend: the default, and the one a Verifier links without OpenSSL.
#include <cryptopp/donna.h>
#include <cryptopp/hmac.h>
#include <cryptopp/osrng.h>
#include <cryptopp/sha.h>
#include <cryptopp/xed25519.h>

#include <cstdio>
#include <cstdlib>

#include "nodelock/crypto/crypto.h"

namespace nodelock::crypto {
namespace {

// Crypto++ hands its inputs to memcpy, where a null pointer is undefined even for
// zero bytes; an empty view has a null data pointer.
const CryptoPP::byte* bytes_of(ByteView view) {
  static const CryptoPP::byte none = 0;
  return view.empty() ? &none : view.data();
}

// RFC 8032 requires the scalar S of a signature to be below the group order L.
// donna checks only its top bits, so without this anyone could turn a signature
// into a second valid one (S + L) for the same message, which OpenSSL rejects.
bool scalar_below_group_order(const std::uint8_t* scalar) {
  static constexpr std::uint8_t kGroupOrder[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                                   0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  for (int i = 31; i >= 0; --i) {
    if (scalar[i] != kGroupOrder[i]) return scalar[i] < kGroupOrder[i];
  }
  return false;
}

}  // namespace

std::string_view backend_name() { return "cryptopp"; }

struct SigningKey::Impl {
  explicit Impl(const std::uint8_t* seed_bytes) : signer(seed_bytes) {
    std::copy(seed_bytes, seed_bytes + seed.size(), seed.begin());
    const auto& key = static_cast<const CryptoPP::ed25519PrivateKey&>(signer.GetPrivateKey());
    std::copy(key.GetPublicKeyBytePtr(), key.GetPublicKeyBytePtr() + 32, public_key.bytes.begin());
  }
  ~Impl() { wipe(seed.data(), seed.size()); }

  // Holds the expanded key; Crypto++ wipes its own secret blocks when destroyed.
  CryptoPP::ed25519Signer signer;
  std::array<std::uint8_t, 32> seed{};
  PublicKey public_key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate() {
  std::array<std::uint8_t, 32> seed{};
  random_bytes(seed.data(), seed.size());
  SigningKey key(std::make_unique<Impl>(seed.data()));
  wipe(seed.data(), seed.size());
  return key;
}

Result<SigningKey> SigningKey::from_seed(ByteView seed) {
  if (seed.size() != 32) {
    return make_error(ErrorCode::invalid_argument,
                      "an Ed25519 seed is 32 bytes, not " + std::to_string(seed.size()));
  }
  return SigningKey(std::make_unique<Impl>(seed.data()));
}

const PublicKey& SigningKey::public_key() const { return impl_->public_key; }

const std::array<std::uint8_t, 32>& SigningKey::seed() const { return impl_->seed; }

Signature SigningKey::sign(ByteView message) const {
  Signature signature;
  impl_->signer.SignMessage(CryptoPP::NullRNG(), bytes_of(message), message.size(),
                            signature.bytes.data());
  return signature;
}

bool verify(const PublicKey& key, ByteView message, const Signature& signature) {
  // The stateless donna call is what ed25519Verifier runs underneath, minus the
  // verifier object and the heap copy of the message its accumulator makes.
  return scalar_below_group_order(signature.bytes.data() + 32) &&
         CryptoPP::Donna::ed25519_sign_open(bytes_of(message), message.size(), key.bytes.data(),
                                            signature.bytes.data()) == 0;
}

Digest sha256(ByteView data) {
  Digest digest;
  CryptoPP::SHA256().CalculateDigest(digest.bytes.data(), bytes_of(data), data.size());
  return digest;
}

Digest hmac_sha256(ByteView key, ByteView message) {
  Digest digest;
  CryptoPP::HMAC<CryptoPP::SHA256> mac(bytes_of(key), key.size());
  mac.CalculateDigest(digest.bytes.data(), bytes_of(message), message.size());
  return digest;
}

void random_bytes(std::uint8_t* out, std::size_t size) {
  // Reads the kernel's generator on every call, so a forked child never repeats
  // its parent's stream as a user-space pool would.
  try {
    thread_local CryptoPP::NonblockingRng rng;
    rng.GenerateBlock(out, size);
  } catch (const CryptoPP::Exception& error) {
    // A key or nonce from a failed generator would be guessable; nothing may go on.
    std::fprintf(stderr, "nodelock: the system random generator failed: %s\n", error.what());
    std::abort();
  }
}

}  // namespace nodelock::crypto
