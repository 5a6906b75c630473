// The server's data directory: everything a nodelock-server instance owns.
//
//   DIR/               0700
//     vendor.key       the vendor's Ed25519 signing key, PEM PKCS#8, 0600
//     vendor.key.pub   its public key, PEM; the same key GET /v1/keys publishes
//     key.pepper       the secret that keys license key hashes, 0600
//     nodelock.db      the SQLite store (unless --db names another), 0600 with
//                      its -wal and -shm
//
// The license keys and admin tokens themselves are never written anywhere: a
// stolen database and pepper-less backup reveal neither.
#pragma once

#include <filesystem>
#include <string>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock::server {

// The secrets a serving instance loads from its data directory.
struct ServerSecrets {
  crypto::SigningKey vendor_key;
  crypto::Bytes key_pepper;
};

// What `nodelock-server init` reports once. The admin token is not kept.
struct FirstStart {
  std::string admin_token;
  crypto::PublicKey vendor_public_key;
  std::string kid;
};

// "sqlite:DIR/nodelock.db".
std::string default_store_url(const std::filesystem::path& dir);

// True when `dir` holds a vendor key.
bool is_initialised(const std::filesystem::path& dir);

// Creates `dir` (0700) if needed, the vendor key pair, the key pepper, the store
// at `store_url`, and one admin token. already_exists when `dir` is initialised:
// a second init would orphan every license signed with the first key; io_error,
// writing nothing, when `dir` existed already open to other users.
[[nodiscard]] Result<FirstStart> initialise_data_dir(const std::filesystem::path& dir,
                                                     const std::string& store_url);

// Reads the vendor key and the key pepper. Errors: io_error, malformed; io_error
// too, naming the file and the chmod that repairs it, when the directory or
// either secret is open to other users (group or others may read, write or
// enter it), so a server never runs on secrets others may have copied.
[[nodiscard]] Result<ServerSecrets> load_secrets(const std::filesystem::path& dir);

}  // namespace nodelock::server
