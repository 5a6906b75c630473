// The flags every command that talks to the license server from this machine
// shares: --server, --ca, --pubkey, --store and --sysroot.
#pragma once

#include "args.h"
#include "nodelock/crypto/key_file.h"

namespace nodelock::cli {

// Fills the server, store and vendor-key fields that OnlineOptions and
// LeaseOptions share; an error when --pubkey is unreadable.
template <typename Options>
[[nodiscard]] Status read_server_flags(const Args& args, Options& options) {
  options.server.url = args.get("--server").value_or("");
  options.server.ca_file = args.get("--ca").value_or("");
  options.store_root = args.get("--store").value_or("");
  options.sysroot = args.get("--sysroot").value_or("");
  if (auto pubkey = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*pubkey);
    if (!key.ok()) return key.error();
    options.vendor_keys.push_back(*key);
  }
  return {};
}

}  // namespace nodelock::cli
