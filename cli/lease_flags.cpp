#include "lease_flags.h"

#include "nodelock/activation/key_file.h"

namespace nodelock::cli {

Result<LeaseOptions> lease_options(const Args& args) {
  LeaseOptions options;
  options.server.url = args.get("--server").value_or("");
  options.server.ca_file = args.get("--ca").value_or("");
  options.store_root = args.get("--store").value_or("");
  options.sysroot = args.get("--sysroot").value_or("");
  options.user = args.get("--user");
  options.project = args.get("--project");
  if (auto pubkey = args.get("--pubkey")) {
    auto key = crypto::read_public_key_file(*pubkey);
    if (!key.ok()) return key.error();
    options.vendor_keys.push_back(*key);
  }
  return options;
}

}  // namespace nodelock::cli
