// The OpenSSL 3 backend, for vendors who standardise on it.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "nodelock/crypto/crypto.h"

namespace nodelock::crypto {
namespace {

// These calls fail only when OpenSSL itself is broken or out of memory; a caller
// handed a made-up signature or digest instead would be worse than stopping.
[[noreturn]] void abort_on_openssl_failure(const char* operation) {
  char reason[256] = "no reason given";
  const unsigned long code = ERR_get_error();
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  std::fprintf(stderr, "nodelock: OpenSSL %s failed: %s\n", operation, reason);
  std::abort();
}

void require(int result, const char* operation) {
  if (result != 1) abort_on_openssl_failure(operation);
}

// OpenSSL takes a null pointer with a zero length as "no data" only in some calls.
const unsigned char* bytes_of(ByteView view) {
  static const unsigned char none = 0;
  return view.empty() ? &none : view.data();
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

MdCtx new_md_ctx() {
  MdCtx context(EVP_MD_CTX_new());
  if (!context) abort_on_openssl_failure("EVP_MD_CTX_new");
  return context;
}

// Fetched once: an implicit fetch on every call costs a lookup under a lock.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) abort_on_openssl_failure("fetching SHA256");
  return md;
}

// One HMAC-SHA256 context per thread with the digest already set: re-keying it is
// all a MAC costs, where a fresh context would fetch the digest again every time.
EVP_MAC_CTX* thread_hmac_context() {
  thread_local const std::unique_ptr<EVP_MAC_CTX, MacCtxFree> context = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) abort_on_openssl_failure("fetching HMAC");
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> created(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);
    if (!created) abort_on_openssl_failure("EVP_MAC_CTX_new");
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    require(EVP_MAC_CTX_set_params(created.get(), params), "setting the HMAC digest");
    return created;
  }();
  return context.get();
}

}  // namespace

std::string_view backend_name() { return "openssl"; }

struct SigningKey::Impl {
  // Parsed once: building an EVP_PKEY from a seed derives the public key, which
  // costs about as much as a signature.
  Pkey key;
  std::array<std::uint8_t, 32> seed{};
  PublicKey public_key;

  ~Impl() { wipe(seed.data(), seed.size()); }

  static std::unique_ptr<Impl> from_seed(const std::uint8_t* seed_bytes) {
    auto impl = std::make_unique<Impl>();
    impl->key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed_bytes, 32));
    if (!impl->key) return nullptr;
    std::copy(seed_bytes, seed_bytes + 32, impl->seed.begin());
    std::size_t size = impl->public_key.bytes.size();
    if (EVP_PKEY_get_raw_public_key(impl->key.get(), impl->public_key.bytes.data(), &size) != 1 ||
        size != impl->public_key.bytes.size()) {
      return nullptr;
    }
    return impl;
  }
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate() {
  std::array<std::uint8_t, 32> seed{};
  random_bytes(seed.data(), seed.size());
  auto impl = Impl::from_seed(seed.data());
  wipe(seed.data(), seed.size());
  if (!impl) abort_on_openssl_failure("creating an Ed25519 key");
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::from_seed(ByteView seed) {
  if (seed.size() != 32) {
    return make_error(ErrorCode::invalid_argument,
                      "an Ed25519 seed is 32 bytes, not " + std::to_string(seed.size()));
  }
  auto impl = Impl::from_seed(seed.data());
  if (!impl) {
    ERR_clear_error();
    return make_error(ErrorCode::internal, "OpenSSL could not create an Ed25519 key");
  }
  return SigningKey(std::move(impl));
}

const PublicKey& SigningKey::public_key() const { return impl_->public_key; }

const std::array<std::uint8_t, 32>& SigningKey::seed() const { return impl_->seed; }

Signature SigningKey::sign(ByteView message) const {
  Signature signature;
  std::size_t size = signature.bytes.size();
  const MdCtx context = new_md_ctx();
  require(EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, impl_->key.get()),
          "EVP_DigestSignInit");
  require(EVP_DigestSign(context.get(), signature.bytes.data(), &size, bytes_of(message),
                         message.size()),
          "EVP_DigestSign");
  return signature;
}

bool verify(const PublicKey& key, ByteView message, const Signature& signature) {
  // Parsing a public key costs about 2 % of a verification here, too little to be
  // worth a cache of parsed keys.
  const Pkey parsed(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.bytes.data(), key.bytes.size()));
  if (!parsed) {
    ERR_clear_error();
    return false;
  }
  const MdCtx context = new_md_ctx();
  const bool valid =
      EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, parsed.get()) == 1 &&
      EVP_DigestVerify(context.get(), signature.bytes.data(), signature.bytes.size(),
                       bytes_of(message), message.size()) == 1;
  // A rejected signature leaves a reason on this thread's error queue; a later,
  // unrelated OpenSSL call (a TLS handshake) would otherwise report it as its own.
  if (!valid) ERR_clear_error();
  return valid;
}

Digest sha256(ByteView data) {
  Digest digest;
  require(
      EVP_Digest(bytes_of(data), data.size(), digest.bytes.data(), nullptr, sha256_md(), nullptr),
      "EVP_Digest");
  return digest;
}

Digest hmac_sha256(ByteView key, ByteView message) {
  Digest digest;
  EVP_MAC_CTX* context = thread_hmac_context();
  std::size_t size = 0;
  require(EVP_MAC_init(context, bytes_of(key), key.size(), nullptr), "EVP_MAC_init");
  require(EVP_MAC_update(context, bytes_of(message), message.size()), "EVP_MAC_update");
  require(EVP_MAC_final(context, digest.bytes.data(), &size, digest.bytes.size()), "EVP_MAC_final");
  return digest;
}

void random_bytes(std::uint8_t* out, std::size_t size) {
  // RAND_bytes takes an int; ask in chunks so a huge request cannot wrap around.
  while (size > 0) {
    const int chunk = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
    require(RAND_bytes(out, chunk), "RAND_bytes");
    out += chunk;
    size -= static_cast<std::size_t>(chunk);
  }
}

}  // namespace nodelock::crypto
