// Ed25519 key files: the vendor's signing key and the public key it hands out.
//
// A private key is PEM PKCS#8 ("-----BEGIN PRIVATE KEY-----", RFC 8410) and a
// public key PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"): the forms
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write, so a
// vendor may make or inspect keys with either tool. Both backends write the same
// bytes.
//
// Readers are strict: a file of another key type, bad base64 or a wrong length is
// a malformed error naming the file; a missing or unreadable file is io_error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock::crypto {

// What writing a key file does when a file is already at its path.
enum class ExistingFile {
  refuse,   // already_exists, and the file is left as it was
  replace,  // the new key takes its place
};

// Writes `key` to `path`, readable by its owner only (created 0600, never wider
// for an instant) and atomically: a reader, or a crash, sees the old file or the
// whole new one, never a part.
[[nodiscard]] Status write_private_key_file(const std::filesystem::path& path,
                                            const SigningKey& key,
                                            ExistingFile existing = ExistingFile::refuse);
[[nodiscard]] Result<SigningKey> read_private_key_file(const std::filesystem::path& path);

// Writes `key` to `path` (0644), atomically like the private key.
[[nodiscard]] Status write_public_key_file(const std::filesystem::path& path, const PublicKey& key,
                                           ExistingFile existing = ExistingFile::refuse);
// Reads any form parse_public_key() accepts.
[[nodiscard]] Result<PublicKey> read_public_key_file(const std::filesystem::path& path);

// The PEM text of a private key. It holds the secret: wipe() it when done.
std::string private_key_pem(const SigningKey& key);
// Accepts RFC 8410 PKCS#8 with or without the optional public key; when present,
// it must be the private key's own.
[[nodiscard]] Result<SigningKey> parse_private_key_pem(std::string_view pem);

std::string public_key_pem(const PublicKey& key);
// A public key given as PEM SubjectPublicKeyInfo, as 64 hex digits, or as the
// base64 of its 32 bytes (the forms a --pubkey option meets). White space around
// it is ignored; a private key is refused rather than its public half taken.
[[nodiscard]] Result<PublicKey> parse_public_key(std::string_view text);

}  // namespace nodelock::crypto
