#include "nodelock/crypto/key_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"

namespace nodelock::crypto {
namespace {

// The DER of an Ed25519 key is a fixed prefix and the raw key (RFC 8410), so it is
// written and checked by hand, byte for byte the same on both backends.
constexpr std::array<std::uint8_t, 16> kPrivateKeyPrefix = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
// OneAsymmetricKey version 2, which appends the public key as [1].
constexpr std::array<std::uint8_t, 16> kPrivateKeyWithPublicPrefix = {
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr std::array<std::uint8_t, 3> kEmbeddedPublicKeyTag = {0x81, 0x21, 0x00};
constexpr std::array<std::uint8_t, 12> kPublicKeyPrefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                           0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr std::string_view kPrivateLabel = "PRIVATE KEY";
constexpr std::string_view kPublicLabel = "PUBLIC KEY";
// Key files are a few hundred bytes; refusing anything large keeps a wrong path
// (a disk image, a log) from being read into memory.
constexpr std::size_t kMaxKeyFileSize = 16 * 1024;

// Wipes a secret held in a local when it goes out of scope, however the function ends.
template <class Buffer>
class WipeOnExit {
 public:
  explicit WipeOnExit(Buffer& buffer) : buffer_(buffer) {}
  ~WipeOnExit() { wipe(buffer_.data(), buffer_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Buffer& buffer_;
};

Error malformed(std::string_view source, const std::string& problem) {
  return make_error(ErrorCode::malformed, std::string(source) + ": " + problem);
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool starts_with(ByteView bytes, ByteView prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

std::string pem(std::string_view label, ByteView der) {
  std::string body = encoding::base64(der);
  const WipeOnExit wipe_body(body);
  std::string text;
  text.reserve(2 * label.size() + body.size() + body.size() / 64 + 40);
  text.append("-----BEGIN ").append(label).append("-----\n");
  for (std::size_t at = 0; at < body.size(); at += 64) {
    text.append(body, at, 64).push_back('\n');
  }
  text.append("-----END ").append(label).append("-----\n");
  return text;
}

// The DER inside PEM text labelled `label`; nothing before or after it but white space.
Result<Bytes> pem_der(std::string_view text, std::string_view label, std::string_view source) {
  text = trim(text);
  constexpr std::string_view begin = "-----BEGIN ", end = "-----END ", dashes = "-----";
  const std::size_t first_break = text.find('\n');
  std::string_view first_line = text.substr(0, first_break);
  if (!first_line.empty() && first_line.back() == '\r') first_line.remove_suffix(1);
  if (first_line.substr(0, begin.size()) != begin ||
      first_line.size() < begin.size() + dashes.size() ||
      first_line.substr(first_line.size() - dashes.size()) != dashes) {
    return malformed(
        source, "not a PEM file; it should start with -----BEGIN " + std::string(label) + "-----");
  }
  const std::string_view found =
      first_line.substr(begin.size(), first_line.size() - begin.size() - dashes.size());
  if (found != label) {
    return malformed(
        source, "holds a PEM \"" + std::string(found) + "\", not a \"" + std::string(label) + "\"");
  }
  const std::size_t last_break = text.rfind('\n');
  const std::string end_line = std::string(end) + std::string(label) + std::string(dashes);
  if (first_break == std::string_view::npos || trim(text.substr(last_break)) != end_line) {
    return malformed(source, "the PEM text does not end with " + end_line);
  }
  std::string base64;
  const WipeOnExit wipe_base64(base64);
  base64.reserve(text.size());
  for (std::size_t at = first_break + 1; at < last_break;) {
    const std::size_t next = text.find('\n', at);
    std::string_view line = text.substr(at, next - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    base64.append(line);
    at = next + 1;
  }
  auto der = encoding::from_base64(base64);
  if (!der.ok()) return malformed(source, "the PEM body is not valid base64");
  return der;
}

Result<SigningKey> private_key_from_pem(std::string_view text, std::string_view source) {
  auto der = pem_der(text, kPrivateLabel, source);
  if (!der.ok()) return der.error();
  const WipeOnExit wipe_der(*der);
  const ByteView bytes = *der;
  // Both forms hold the seed at the same offset; version 2 then has the public key.
  constexpr std::size_t seed_at = kPrivateKeyPrefix.size();
  constexpr std::size_t tag_at = seed_at + 32;
  constexpr std::size_t public_key_at = tag_at + kEmbeddedPublicKeyTag.size();
  const bool with_public_key = starts_with(bytes, kPrivateKeyWithPublicPrefix);
  const bool well_formed =
      with_public_key ? bytes.size() == public_key_at + 32 &&
                            starts_with(ByteView(bytes.data() + tag_at, bytes.size() - tag_at),
                                        kEmbeddedPublicKeyTag)
                      : bytes.size() == tag_at && starts_with(bytes, kPrivateKeyPrefix);
  if (!well_formed) return malformed(source, "not an Ed25519 private key");
  auto key = SigningKey::from_seed(ByteView(bytes.data() + seed_at, 32));
  if (!key.ok()) return key.error();
  const PublicKey& derived = key->public_key();
  if (with_public_key &&
      !std::equal(derived.bytes.begin(), derived.bytes.end(), bytes.data() + public_key_at)) {
    return malformed(source, "the public key inside does not belong to the private key");
  }
  return key;
}

Result<PublicKey> public_key_from_raw(const Bytes& raw, std::string_view source) {
  PublicKey key;
  if (raw.size() != key.bytes.size()) {
    return malformed(source, "a public key is 32 bytes, this is " + std::to_string(raw.size()));
  }
  std::copy(raw.begin(), raw.end(), key.bytes.begin());
  return key;
}

Result<PublicKey> public_key_from_text(std::string_view text, std::string_view source) {
  text = trim(text);
  if (text.substr(0, 11) == "-----BEGIN ") {
    auto der = pem_der(text, kPublicLabel, source);
    if (!der.ok()) return der.error();
    if (der->size() != kPublicKeyPrefix.size() + 32 || !starts_with(*der, kPublicKeyPrefix)) {
      return malformed(source, "not an Ed25519 public key");
    }
    return public_key_from_raw(Bytes(der->begin() + kPublicKeyPrefix.size(), der->end()), source);
  }
  if (text.size() == 64) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
    auto raw = encoding::from_hex(lower);
    if (raw.ok()) return public_key_from_raw(*raw, source);
  }
  auto raw = encoding::from_base64(text);
  if (raw.ok()) return public_key_from_raw(*raw, source);
  return malformed(source,
                   "not a public key; expected PEM (-----BEGIN PUBLIC KEY-----), 64 hex digits "
                   "or the base64 of 32 bytes");
}

// Refusing goes through link(), which fails with EEXIST rather than replace: no
// window between a check and the write in which another file could be lost.
Status write_key_file(const std::filesystem::path& path, std::string_view content,
                      std::filesystem::perms mode, ExistingFile existing) {
  if (existing == ExistingFile::replace) return write_file_atomic(path, content, mode);
  std::filesystem::path pending = path;
  pending += ".pending-" + encoding::hex(random_bytes(6));
  if (auto written = write_file_atomic(pending, content, mode); !written.ok()) return written;
  const int linked = ::link(pending.c_str(), path.c_str());
  const int link_error = errno;
  ::unlink(pending.c_str());
  if (linked != 0 && link_error == EEXIST) {
    return make_error(ErrorCode::already_exists, path.string() + " already exists");
  }
  if (linked != 0) {
    return make_error(ErrorCode::io_error,
                      "cannot write " + path.string() + ": " + std::strerror(link_error));
  }
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Flushes the link and the unlink, which write_file_atomic's own flush preceded.
  const int handle = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool flushed = handle >= 0 && ::fsync(handle) == 0;
  const int flush_error = errno;
  if (handle >= 0) ::close(handle);
  if (!flushed) {
    return make_error(ErrorCode::io_error, "cannot flush directory " + directory.string() + ": " +
                                               std::strerror(flush_error));
  }
  return {};
}

}  // namespace

std::string private_key_pem(const SigningKey& key) {
  std::array<std::uint8_t, kPrivateKeyPrefix.size() + 32> der{};
  std::copy(kPrivateKeyPrefix.begin(), kPrivateKeyPrefix.end(), der.begin());
  std::copy(key.seed().begin(), key.seed().end(), der.begin() + kPrivateKeyPrefix.size());
  const WipeOnExit wipe_der(der);
  return pem(kPrivateLabel, der);
}

Result<SigningKey> parse_private_key_pem(std::string_view pem_text) {
  return private_key_from_pem(pem_text, "the private key");
}

std::string public_key_pem(const PublicKey& key) {
  Bytes der(kPublicKeyPrefix.begin(), kPublicKeyPrefix.end());
  der.insert(der.end(), key.bytes.begin(), key.bytes.end());
  return pem(kPublicLabel, der);
}

Result<PublicKey> parse_public_key(std::string_view text) {
  return public_key_from_text(text, "the public key");
}

Status write_private_key_file(const std::filesystem::path& path, const SigningKey& key,
                              ExistingFile existing) {
  std::string text = private_key_pem(key);
  const WipeOnExit wipe_text(text);
  return write_key_file(path, text,
                        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                        existing);
}

Result<SigningKey> read_private_key_file(const std::filesystem::path& path) {
  auto text = read_file(path, kMaxKeyFileSize);
  if (!text.ok()) return text.error();
  const WipeOnExit wipe_text(*text);
  return private_key_from_pem(*text, path.string());
}

Status write_public_key_file(const std::filesystem::path& path, const PublicKey& key,
                             ExistingFile existing) {
  using std::filesystem::perms;
  return write_key_file(
      path, public_key_pem(key),
      perms::owner_read | perms::owner_write | perms::group_read | perms::others_read, existing);
}

Result<PublicKey> read_public_key_file(const std::filesystem::path& path) {
  auto text = read_file(path, kMaxKeyFileSize);
  if (!text.ok()) return text.error();
  return public_key_from_text(*text, path.string());
}

}  // namespace nodelock::crypto
