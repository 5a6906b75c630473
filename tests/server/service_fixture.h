// The services in process on a SQLite store in a temporary directory, with a
// clock the test moves.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "nodelock/server/admin_service.h"
#include "store_fixture.h"
#include "test_machine.h"

namespace nodelock::server::testing {

// A token of `role`, as the services see its caller.
inline AdminCaller caller(AdminRole role) { return {"tok-" + std::string(name_of(role)), role}; }

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest()
      : store_(open_or_fail(store_url(dir_))),
        hasher_(crypto::random_bytes(32)),
        context_{*store_, vendor_key_, hasher_, [this] { return now_; }, 600},
        admin_(context_) {}

  TempDir dir_;
  std::unique_ptr<Store> store_;
  crypto::SigningKey vendor_key_ = crypto::SigningKey::generate();
  LicenseKeyHasher hasher_;
  UnixTime now_ = unix_now();
  ServiceContext context_;
  AdminService admin_;
};

}  // namespace nodelock::server::testing
