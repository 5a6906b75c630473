// The cryptographic core every nodelock document stands on.
//
// One small interface with two complete backends, chosen at build time with
// -DNODELOCK_CRYPTO=cryptopp|openssl. Both give byte-identical Ed25519 signatures
// for the same seed (RFC 8032 is deterministic), so documents made with one verify
// with the other.
//
// Fixed-size things have fixed-size types: a Signature cannot be passed where a
// PublicKey is expected. A SigningKey wipes its secret when destroyed. Every
// function here is safe to call from several threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"

namespace nodelock::crypto {

using Bytes = std::vector<std::uint8_t>;

// A read-only view of bytes (std::span is C++20).
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  ByteView(const Bytes& bytes) : data_(bytes.data()), size_(bytes.size()) {}  // NOLINT
  template <std::size_t N>
  constexpr ByteView(const std::array<std::uint8_t, N>& bytes)  // NOLINT
      : data_(bytes.data()), size_(N) {}
  ByteView(std::string_view text)  // NOLINT: text is bytes here
      : data_(reinterpret_cast<const std::uint8_t*>(text.data())), size_(text.size()) {}
  ByteView(const std::string& text) : ByteView(std::string_view(text)) {}  // NOLINT

  constexpr const std::uint8_t* data() const { return data_; }
  constexpr std::size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr const std::uint8_t* begin() const { return data_; }
  constexpr const std::uint8_t* end() const { return data_ + size_; }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};
  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const PublicKey& a, const PublicKey& b) { return !(a == b); }
};

struct Signature {
  std::array<std::uint8_t, 64> bytes{};
};

struct Digest {
  std::array<std::uint8_t, 32> bytes{};
  friend bool operator==(const Digest& a, const Digest& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const Digest& a, const Digest& b) { return !(a == b); }
};

// The name of the backend compiled in: "cryptopp" or "openssl".
std::string_view backend_name();

// An Ed25519 private key. Holds the 32-byte seed and the backend's parsed key,
// so signing never re-parses. Move-only: a secret is not copied by accident.
class SigningKey {
 public:
  // A fresh key from the operating system's random source.
  static SigningKey generate();
  // The key of a 32-byte RFC 8032 seed; invalid_argument for any other size.
  static Result<SigningKey> from_seed(ByteView seed);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();  // wipes the seed

  const PublicKey& public_key() const;
  Signature sign(ByteView message) const;
  // The seed, for writing the key to its 0600 file; handle with care.
  const std::array<std::uint8_t, 32>& seed() const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True only when `signature` is a valid Ed25519 signature of `message` by `key`.
[[nodiscard]] bool verify(const PublicKey& key, ByteView message, const Signature& signature);

Digest sha256(ByteView data);
Digest hmac_sha256(ByteView key, ByteView message);

// Cryptographically secure random bytes from the operating system.
void random_bytes(std::uint8_t* out, std::size_t size);
Bytes random_bytes(std::size_t size);

// Compares in time that depends only on the sizes, never on the contents.
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b);

// Overwrites memory in a way the optimiser may not remove.
void wipe(void* data, std::size_t size);

// A key id for people and for key rotation: the first 8 bytes of SHA-256 of the
// public key, as 16 lower-case hex digits.
std::string key_id(const PublicKey& key);

}  // namespace nodelock::crypto
