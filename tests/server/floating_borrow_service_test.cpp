// Borrowed seats over days, driven in-process with a clock the test moves:
// the sweep ends a borrow at its expiry and frees its seat, and a borrow
// never outlives the license it was borrowed from.
#include <gtest/gtest.h>

#include "nodelock/activation/document.h"
#include "nodelock/server/lease_service.h"
#include "service_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr UnixTime kDay = 86400;

class BorrowServiceTest : public ServiceTest {
 protected:
  BorrowServiceTest() : leases_(context_) {}

  void SetUp() override {
    ASSERT_TRUE(admin_.create_product(kAdmin, {"acme-cad", "Acme CAD", 0}).ok());
    license_ = floating_license(2, std::nullopt, 0);
  }

  // A one-seat floating license allowing `max_days` of borrowing.
  NewLicense floating_license(int max_days, std::optional<UnixTime> expires_at, int grace_days) {
    LicenseOrder order;
    order.product = "acme-cad";
    order.model = SeatModel::floating;
    order.max_activations = 1;
    order.expires_at = expires_at;
    order.grace_days = grace_days;
    FloatingPolicy terms;
    terms.max_borrow_days = max_days;
    order.floating = terms;
    auto created = admin_.create_license(kAdmin, order);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.ok() ? created.value() : NewLicense{};
  }

  // The BORROW the server signed, as the machine reads it.
  Borrow signed_borrow(const IssuedLease& issued) {
    auto document =
        open_document(issued.lease, DocumentType::borrow, TrustedKeys({vendor_key_.public_key()}));
    EXPECT_TRUE(document.ok()) << document.message();
    if (!document.ok()) return {};
    return borrow_from_payload(document->payload()).value();
  }

  const AdminCaller kAdmin{"tok-admin", AdminRole::admin};
  LeaseService leases_;
  NewLicense license_;
};

TEST_F(BorrowServiceTest, TheSweepEndsABorrowAtItsExpiryAndFreesTheSeat) {
  const TestMachine borrower, other;
  const LeaseAnswer borrowed =
      leases_.borrow(borrower.borrow_request(license_.key, "acme-cad", now_, 2));
  ASSERT_TRUE(borrowed.result.ok()) << borrowed.result.message();
  const std::string id = borrowed.result->record.id;

  now_ += 2 * kDay - 1;
  ASSERT_TRUE(leases_.sweep().ok());
  EXPECT_FALSE(store_->leases().lease(id)->ended_at) << "a second before its expiry it is held";
  EXPECT_EQ(leases_.check_out(other.lease_request(license_.key, "acme-cad", now_)).result.code(),
            ErrorCode::seats_exhausted);

  now_ += 1;
  ASSERT_TRUE(leases_.sweep().ok());
  auto ended = store_->leases().lease(id);
  ASSERT_TRUE(ended.ok()) << ended.message();
  ASSERT_TRUE(ended->ended_at.has_value());
  EXPECT_EQ(*ended->ended_at, borrowed.result->record.expires_at);
  EXPECT_EQ(ended->end, SessionEnd::expired);
  EXPECT_TRUE(leases_.check_out(other.lease_request(license_.key, "acme-cad", now_)).result.ok());

  auto sessions = store_->leases().usage_sessions(license_.license.id, 0, now_);
  ASSERT_TRUE(sessions.ok());
  ASSERT_EQ(sessions->size(), 2u) << "the borrow is a usage session like any lease";
  EXPECT_EQ((*sessions)[0].lease_id, id);
  EXPECT_EQ((*sessions)[0].end, SessionEnd::expired);
}

TEST_F(BorrowServiceTest, ABorrowEndsAtTheLicensesExpiryWhenThatComesFirst) {
  const NewLicense expiring = floating_license(7, now_ + kDay + 3600, 0);
  const TestMachine borrower;
  const LeaseAnswer borrowed =
      leases_.borrow(borrower.borrow_request(expiring.key, "acme-cad", now_, 7));
  ASSERT_TRUE(borrowed.result.ok()) << borrowed.result.message();
  EXPECT_EQ(borrowed.result->record.expires_at, now_ + kDay + 3600);
  EXPECT_EQ(signed_borrow(*borrowed.result).expires_at, now_ + kDay + 3600)
      << "the signed expiry is the license's, not the 7 days asked";
  EXPECT_EQ(store_->leases().lease(borrowed.result->record.id)->expires_at, now_ + kDay + 3600);

  const NewLicense lasting = floating_license(7, now_ + 30 * kDay, 0);
  const LeaseAnswer shorter =
      leases_.borrow(borrower.borrow_request(lasting.key, "acme-cad", now_, 7));
  ASSERT_TRUE(shorter.result.ok()) << shorter.result.message();
  EXPECT_EQ(signed_borrow(*shorter.result).expires_at, now_ + 7 * kDay);
}

TEST_F(BorrowServiceTest, ALicenseInItsGraceDaysLendsNoSeatButChecksOneOut) {
  const NewLicense lapsed = floating_license(7, now_ + kDay, 5);
  now_ += 2 * kDay;
  const TestMachine borrower;
  const LeaseAnswer refused =
      leases_.borrow(borrower.borrow_request(lapsed.key, "acme-cad", now_, 1));
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.code(), ErrorCode::borrow_not_allowed);
  EXPECT_NE(refused.result.message().find("grace days"), std::string::npos)
      << refused.result.message();
  auto held = store_->leases().held_leases(lapsed.license.id);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty()) << "a refused borrow takes no seat";
  EXPECT_TRUE(leases_.check_out(borrower.lease_request(lapsed.key, "acme-cad", now_)).result.ok());
}

}  // namespace
}  // namespace nodelock::server::testing
