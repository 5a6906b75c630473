// Licenses made the way the server makes them, for tests and benchmarks that
// need an installed license without running a server.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "fixture_hosts.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/crypto.h"
#include "temp_dir.h"

namespace nodelock::testing {

// Installs into `store` a device key and a LICENSE signed by `vendor` for the
// machine at `sysroot` (empty: this machine), valid from `now`. `adjust` may
// change terms before signing. Returns the license as signed.
License install_test_license(const LocalStore& store, const crypto::SigningKey& vendor,
                             const std::string& product, const std::filesystem::path& sysroot,
                             std::int64_t now, const std::function<void(License&)>& adjust = {});

// Installs into `store` a SITE LICENSE signed by `vendor` for `site_id`, issued
// at `now`; `adjust` may change terms before signing. Returns the armored file.
std::string install_test_site_license(const LocalStore& store, const crypto::SigningKey& vendor,
                                      const std::string& product, const std::string& site_id,
                                      std::int64_t now,
                                      const std::function<void(SiteLicense&)>& adjust = {});

// Writes into `store` a BORROW signed by `vendor`, as `nodelock lease borrow`
// keeps it, for the machine at `sysroot` and the store's device key (made if
// absent), issued at `now` for `days`; `adjust` may change terms before
// signing. Returns the armored file.
std::string install_test_borrow(const LocalStore& store, const crypto::SigningKey& vendor,
                                const std::string& product, const std::filesystem::path& sysroot,
                                std::int64_t now, std::int64_t days,
                                const std::function<void(Borrow&)>& adjust = {});

}  // namespace nodelock::testing
