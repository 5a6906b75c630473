#include "vendor_keys.h"

#include <algorithm>

#include "nodelock/crypto/encoding.h"

namespace nodelock {

namespace {

Result<std::vector<crypto::PublicKey>> published_keys(const ServerClient& server) {
  auto body = server.get("/v1/keys");
  if (!body.ok()) return body.error();
  std::vector<crypto::PublicKey> keys;
  if (body->contains("keys") && (*body)["keys"].is_array()) {
    for (const auto& entry : (*body)["keys"]) {
      if (!entry.is_object() || !entry.contains("public_key") || !entry["public_key"].is_string()) {
        continue;
      }
      auto bytes = encoding::from_base64(entry["public_key"].get<std::string>());
      if (!bytes.ok() || bytes->size() != 32) continue;
      crypto::PublicKey key;
      std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
      keys.push_back(key);
    }
  }
  if (keys.empty()) {
    return make_error(ErrorCode::server_error,
                      "The server at " + server.url() + " publishes no vendor key.");
  }
  return keys;
}

}  // namespace

// The keys this machine trusts: --pubkey, else those pinned earlier, else (first
// contact) the server's, which are then pinned.
Result<TrustedKeys> trusted_keys(const std::vector<crypto::PublicKey>& given,
                                 const LocalStore& store, const ServerClient& server) {
  auto pinned = store.read_vendor_keys();
  if (!pinned.ok()) return pinned.error();
  std::vector<crypto::PublicKey> keys = given;
  if (keys.empty()) keys = *pinned;
  if (keys.empty()) {
    auto published = published_keys(server);
    if (!published.ok()) return published.error();
    keys = *published;
  }
  if (auto status = store.save_vendor_keys(keys); !status.ok()) return status.error();
  return TrustedKeys(keys);
}

}  // namespace nodelock
