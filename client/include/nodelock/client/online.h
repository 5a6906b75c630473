// Online activation, check-in and deactivation against a nodelock-server.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/payloads.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct OnlineOptions {
  // url and ca_file may be empty after activation: those of the activation.
  ServerOptions server;
  std::filesystem::path store_root;  // empty: LocalStore::default_root()
  std::filesystem::path sysroot;     // empty: this machine
  // Vendor keys the server must sign with (--pubkey). Empty: trust the keys
  // pinned at first activation, or at first activation those the server publishes.
  std::vector<crypto::PublicKey> vendor_keys;
  // The license user to activate for (--user): needed on a license with named users.
  std::optional<std::string> user;
};

struct ActivationOutcome {
  License license;
  std::string machine_id;
  bool existing = false;  // this machine already held a seat and got it back
  std::int64_t seats_used = 0;
  std::int64_t seats_max = 0;  // 0: no limit (a site license)
};

// Activates this machine for `product` with the license key as typed; with
// `dongle` (dongle::enrol()), the license is bound to that dongle too.
[[nodiscard]] Result<ActivationOutcome> activate_online(
    const OnlineOptions& options, std::string_view typed_key, const std::string& product,
    std::optional<dongle::DongleBinding> dongle = {});

// Checks in: the server renews the license, or refuses it (suspended, revoked,
// reset), which is remembered so the Verifier reports it offline.
[[nodiscard]] Result<ActivationOutcome> refresh_online(const OnlineOptions& options,
                                                       const std::string& product);

// Tells the server with a signed DEACTIVATION RECEIPT, then, once it freed the
// seat, destroys the local license and device key. When the server cannot be
// reached, verified, or refuses, nothing local changes.
[[nodiscard]] Result<std::string> deactivate_online(const OnlineOptions& options,
                                                    const std::string& product);

}  // namespace nodelock
