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

// A Verifier whose real-time clock is stopped at `now`: tests set the clock
// the way a user sets the system clock, which the clock record judges.
inline VerifierOptions clock_at(std::int64_t now) {
  VerifierOptions options;
  options.clock = [now] { return now; };
  return options;
}

class OneVerifierTest : public ::testing::Test {
 protected:
  TempDir root;
  crypto::SigningKey vendor = crypto::SigningKey::generate();
  LocalStore store{root.path(), kProduct};
  std::int64_t clock = kNow;  // what the verifier takes as the system clock
  Verifier verifier{{vendor.public_key()}, kProduct, reading(clock)};

  // Checks with the system clock at `now`.
  CheckResult check(std::int64_t now = kNow, const std::filesystem::path& sysroot = desktop()) {
    clock = now;
    CheckOptions options;
    options.store = root.path();
    options.app_version = "4.2.0";
    options.sysroot = sysroot;
    return verifier.check(options);
  }

 private:
  static VerifierOptions reading(const std::int64_t& clock) {
    VerifierOptions options;
    options.clock = [&clock] { return clock; };
    return options;
  }
};

}  // namespace nodelock::testing
