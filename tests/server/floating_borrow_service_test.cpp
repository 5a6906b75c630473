// Borrowed seats over days, driven in-process with a clock the test moves:
// the sweep ends a borrow at its expiry and frees its seat.
#include <gtest/gtest.h>

#include "nodelock/server/lease_service.h"
#include "service_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr UnixTime kDay = 86400;

class BorrowServiceTest : public ServiceTest {
 protected:
  BorrowServiceTest() : leases_(context_) {}

  void SetUp() override {
    const AdminCaller admin{"tok-admin", AdminRole::admin};
    ASSERT_TRUE(admin_.create_product(admin, {"acme-cad", "Acme CAD", 0}).ok());
    LicenseOrder order;
    order.product = "acme-cad";
    order.model = SeatModel::floating;
    order.max_activations = 1;
    FloatingPolicy terms;
    terms.max_borrow_days = 2;
    order.floating = terms;
    auto created = admin_.create_license(admin, order);
    ASSERT_TRUE(created.ok()) << created.message();
    license_ = created.value();
  }

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

}  // namespace
}  // namespace nodelock::server::testing
