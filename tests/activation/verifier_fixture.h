// What the Verifier suites share: a fixed time, the product, a fixture host
// to act as, and a store checked by one long-lived Verifier, as an
// application holds one.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "license_factory.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/verifier.h"

namespace nodelock::testing {

inline constexpr std::int64_t kNow = 1'790'000'000;  // 2026-09-21
inline constexpr std::int64_t kDay = 24 * 3600;
inline const std::string kProduct = "acme.cad";

// Tests act as a fixture host, never as the machine they run on, whose
// identity may be too weak to bind a license to.
inline std::filesystem::path desktop() { return fixture_host("desktop-two-nics"); }

class OneVerifierTest : public ::testing::Test {
 protected:
  TempDir root;
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  LocalStore store{root.path(), kProduct};
  Verifier verifier{{vendor.public_key()}, kProduct};

  CheckResult check(std::int64_t now = kNow, const std::filesystem::path& sysroot = desktop()) {
    CheckOptions options;
    options.store = root.path();
    options.app_version = "4.2.0";
    options.now = now;
    options.sysroot = sysroot;
    return verifier.check(options);
  }
};

}  // namespace nodelock::testing
