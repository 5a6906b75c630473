// A SQLite store in a temporary directory, with records to fill it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "nodelock/server/store.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {

inline constexpr UnixTime kNow = 1750000000;

// The admin who makes the changes these tests write.
inline const ChangedBy kByAdmin{"tok-admin", kNow};

inline std::string store_url(const TempDir& dir) {
  return "sqlite:" + (dir / "nodelock.db").string();
}

inline std::unique_ptr<Store> open_or_fail(const std::string& url) {
  auto store = open_store(url);
  EXPECT_TRUE(store.ok()) << store.message();
  return store.ok() ? std::move(*store) : nullptr;
}

inline License license_record(const std::string& id, int max_activations) {
  License license;
  license.id = id;
  license.product_id = "acme-cad";
  license.key_hash = "hash-of-" + id;
  license.key_last5 = "ABCDE";
  license.licensee = "Example Ltd";
  license.max_activations = max_activations;
  license.features = {"export", "render"};
  license.created_at = kNow;
  return license;
}

// The seat claim of machine number `machine`, with a nonce of its own.
inline SeatClaim claim_for(const std::string& license_id, int machine, const std::string& nonce) {
  SeatClaim claim;
  claim.license_id = license_id;
  claim.enrolment.id = "act-" + nonce;
  claim.enrolment.machine_id = "NL-MACH-" + std::to_string(machine);
  claim.enrolment.fingerprint = "{\"machine\":" + std::to_string(machine) + "}";
  claim.enrolment.device_public_key = "device-key-" + std::to_string(machine);
  claim.enrolment.hostname = "host" + std::to_string(machine);
  claim.enrolment.environment = "bare_metal";
  claim.nonce = nonce;
  claim.now = kNow;
  claim.machine_keys = {claim.enrolment.machine_id};
  claim.same_machine = [machine_id = claim.enrolment.machine_id](const Activation& seat) {
    return seat.machine_id == machine_id;
  };
  return claim;
}

// Every activation of the license, oldest first, read page by page as the
// API reads them.
inline std::vector<Activation> all_activations(Store& store, const std::string& license_id) {
  std::vector<Activation> all;
  ActivationPageRequest request;
  request.limit = 1000;
  for (;;) {
    auto page = store.activation_page(license_id, request);
    EXPECT_TRUE(page.ok()) << page.message();
    if (!page.ok()) return all;
    all.insert(all.end(), page->activations.begin(), page->activations.end());
    if (!page->next) return all;
    request.after = *page->next;
  }
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_or_fail(store_url(dir_));
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
  }

  void add_license(const std::string& id, int max_activations) {
    Status added = store_->add_license(license_record(id, max_activations), kByAdmin);
    ASSERT_TRUE(added.ok()) << added.message();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace nodelock::server::testing
