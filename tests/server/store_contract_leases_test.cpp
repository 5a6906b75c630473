// The Store contract for floating leases: a check-out whose seat decision
// names a lease already held reissues that lease instead of adding one, and
// every usage session says which seat it held.
#include <optional>
#include <string>
#include <vector>

#include "nodelock/server/lease_store.h"
#include "store_contract.h"

namespace nodelock::server::testing {
namespace {

class StoreContractLeases : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    License license = license_record("lic_float", 2);
    license.model = SeatModel::floating;
    add_license(license);
  }

  // A check-out of machine `machine`'s seat at `now`, whose decision
  // reissues `reissue` when set.
  static LeaseCheckout checkout_for(int machine, UnixTime now, const std::string& lease_id,
                                    std::optional<std::string> reissue) {
    LeaseCheckout checkout;
    checkout.lease.id = lease_id;
    checkout.lease.license_id = "lic_float";
    checkout.lease.machine_id = "NL-MACH-" + std::to_string(machine);
    checkout.lease.seat = checkout.lease.machine_id;
    checkout.lease.hostname = "host" + std::to_string(now);
    checkout.lease.device_public_key = "device-key-" + std::to_string(machine);
    checkout.lease.started_at = checkout.lease.last_seen_at = now;
    checkout.lease.ttl_seconds = 60;
    checkout.lease.expires_at = now + 60;
    checkout.nonce = "nonce-" + lease_id + "-" + std::to_string(now);
    checkout.now = now;
    checkout.decide = [reissue](const License&, const std::vector<Lease>&,
                                const std::vector<std::string>&) -> Result<SeatDecision> {
      return SeatDecision{false, reissue};
    };
    return checkout;
  }
};

TEST_P(StoreContractLeases, AReissuedLeaseKeepsItsIdStartAndSequenceAndAddsNoLease) {
  LeaseStore& leases = store_->leases();
  auto first = leases.check_out(checkout_for(1, kNow, "lse_one", std::nullopt));
  ASSERT_TRUE(first.ok()) << first.message();
  auto renewed = leases.renew({"lse_one", 3, kNow + 10});
  ASSERT_TRUE(renewed.ok()) << renewed.message();

  LeaseCheckout again = checkout_for(1, kNow + 20, "lse_unused", std::string("lse_one"));
  again.lease.borrowed = true;
  again.lease.ttl_seconds = 86400;
  again.lease.expires_at = kNow + 20 + 86400;
  auto reissued = leases.check_out(again);
  ASSERT_TRUE(reissued.ok()) << reissued.message();
  EXPECT_EQ(reissued->lease.id, "lse_one");
  EXPECT_EQ(reissued->lease.started_at, kNow);
  EXPECT_EQ(reissued->lease.sequence, 3) << "a reissue never lets an old call be replayed";
  EXPECT_TRUE(reissued->lease.borrowed);
  EXPECT_EQ(reissued->lease.expires_at, kNow + 20 + 86400);
  EXPECT_EQ(reissued->lease.hostname, "host" + std::to_string(kNow + 20));

  auto held = leases.held_leases("lic_float");
  ASSERT_TRUE(held.ok()) << held.message();
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ(held->front().expires_at, kNow + 20 + 86400);
  close_store();  // what was written survives, not only what memory holds
  reopen();
  auto stored = store_->leases().lease("lse_one");
  ASSERT_TRUE(stored.ok()) << stored.message();
  EXPECT_EQ(stored->sequence, 3);
  EXPECT_TRUE(stored->borrowed);
  EXPECT_EQ(stored->expires_at, kNow + 20 + 86400);
  const std::vector<AuditEntry> log = audit_log(*store_);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().action, "lease.borrow");
  EXPECT_EQ(log.back().subject, "lse_one");
}

TEST_P(StoreContractLeases, AReissueOfALeaseNotHeldIsRefusedAndChangesNothing) {
  LeaseStore& leases = store_->leases();
  auto refused = leases.check_out(checkout_for(1, kNow, "lse_new", std::string("lse_absent")));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::not_found) << refused.message();
  auto held = leases.held_leases("lic_float");
  ASSERT_TRUE(held.ok()) << held.message();
  EXPECT_TRUE(held->empty());
}

TEST_P(StoreContractLeases, UsageSessionsNameTheSeatTheyHeld) {
  LeaseStore& leases = store_->leases();
  ASSERT_TRUE(leases.check_out(checkout_for(1, kNow, "lse_one", std::nullopt)).ok());
  ASSERT_TRUE(leases.check_out(checkout_for(2, kNow + 1, "lse_two", std::nullopt)).ok());
  auto sessions = leases.usage_sessions("lic_float", kNow - 10, kNow + 10);
  ASSERT_TRUE(sessions.ok()) << sessions.message();
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ((*sessions)[0].seat, "NL-MACH-1");
  EXPECT_EQ((*sessions)[1].seat, "NL-MACH-2");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractLeases, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace nodelock::server::testing
