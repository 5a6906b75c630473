// Seat reclamation in the store: a seat is freed only when it is still idle
// inside the write, its machine is then refused with seat_reclaimed, and the
// migration that added the state keeps every seat and its machine keys.
#include <sqlite3.h>

#include "database_file.h"
#include "seat_refusal_messages.h"
#include "seat_transfer_rules.h"
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr std::int64_t kThreshold = 100;

class SeatReclaimStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    License license = license_record("lic-1", 3);
    license.reclaim_after_seconds = kThreshold;
    ASSERT_TRUE(store_->add_license(license, kByAdmin).ok());
  }

  std::string claimed(int machine, const std::string& nonce) {
    auto held = store_->claim_seat(claim_for("lic-1", machine, nonce));
    EXPECT_TRUE(held.ok() && held->granted) << (held.ok() ? "not granted" : held.message());
    return held.ok() ? held->activation.id : "";
  }

  std::vector<Activation> reclaimed_at(UnixTime now) {
    auto idle = store_->idle_seats("lic-1", now - kThreshold, 500);
    EXPECT_TRUE(idle.ok()) << idle.message();
    auto freed =
        store_->reclaim_seats({"lic-1", idle.ok() ? *idle : std::vector<std::string>{}, now});
    EXPECT_TRUE(freed.ok()) << freed.message();
    return freed.ok() ? *freed : std::vector<Activation>{};
  }
};

TEST_F(SeatReclaimStoreTest, AnIdleSeatIsFreedAndItsMachineIsToldWhy) {
  const std::string id = claimed(1, "n1");
  EXPECT_TRUE(reclaimed_at(kNow + kThreshold).empty()) << "exactly the threshold is not past it";
  const auto freed = reclaimed_at(kNow + kThreshold + 1);
  ASSERT_EQ(freed.size(), 1u);
  EXPECT_EQ(freed[0].state, ActivationState::reclaimed);
  EXPECT_EQ(freed[0].reclaimed_at, kNow + kThreshold + 1);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 0);
  EXPECT_EQ(store_->activation(id)->reclaimed_at, kNow + kThreshold + 1);

  auto refused = store_->check_in(
      {id, "device-key-1", "c1", kNow + 200, nullptr, nullptr, seat_refusal_message});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::seat_reclaimed);
  EXPECT_NE(refused.message().find("had no check-in for 1 minute"), std::string::npos)
      << refused.message();
  EXPECT_EQ(store_->release_seat({id, "device-key-1", "d1", kNow + 200, nullptr}).code(),
            ErrorCode::conflict);

  auto again = store_->claim_seat(claim_for("lic-1", 1, "n2"));
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE(again->granted);
  EXPECT_FALSE(again->existing) << "the machine takes a seat like a new one";
  EXPECT_NE(again->activation.id, id);
}

// The sweep reads its candidates without the write lock; a machine that
// checks in between that read and the write keeps its seat.
TEST_F(SeatReclaimStoreTest, ASeatThatCheckedInAfterTheSweepReadItIsKept) {
  const std::string id = claimed(1, "n1");
  const UnixTime now = kNow + kThreshold + 50;
  auto idle = store_->idle_seats("lic-1", now - kThreshold, 500);
  ASSERT_TRUE(idle.ok());
  ASSERT_EQ(*idle, std::vector<std::string>{id});
  ASSERT_TRUE(
      store_->check_in({id, "device-key-1", "c1", kNow + 60, nullptr, nullptr, nullptr}).ok());
  auto freed = store_->reclaim_seats({"lic-1", *idle, now});
  ASSERT_TRUE(freed.ok()) << freed.message();
  EXPECT_TRUE(freed->empty());
  EXPECT_EQ(store_->activation(id)->state, ActivationState::active);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 1);
}

TEST_F(SeatReclaimStoreTest, SuspendedLicensesAndLicensesWithoutAThresholdKeepTheirSeats) {
  const std::string id = claimed(1, "n1");
  ASSERT_TRUE(store_->set_license_state("lic-1", LicenseState::suspended, kByAdmin).ok());
  EXPECT_TRUE(reclaimed_at(kNow + 1000).empty());
  ASSERT_TRUE(store_->set_license_state("lic-1", LicenseState::active, kByAdmin).ok());
  ReclaimPolicyChange off{"lic-1", std::nullopt, kByAdmin, nullptr};
  auto changed = store_->set_reclaim_policy(off);
  ASSERT_TRUE(changed.ok()) << changed.message();
  EXPECT_FALSE(changed->reclaim_after_seconds);
  EXPECT_FALSE(store_->license("lic-1")->reclaim_after_seconds);
  EXPECT_TRUE(store_->reclaim_seats({"lic-1", {id}, kNow + 1000})->empty());
  EXPECT_EQ(store_->activation(id)->state, ActivationState::active);
}

// A transferred seat holds no seat any more, and a seat held for the machine
// it went to is no activation: the sweep frees neither, the hold still counts
// against the limit, and a seat the sweep freed is not transferred.
TEST_F(SeatReclaimStoreTest, TransfersAndTheSeatsHeldForThemAreLeftAloneBySweeps) {
  const std::string moved = claimed(1, "n1");
  const std::string idle = claimed(2, "n2");
  SeatTransferOrder order;
  order.activation_id = moved;
  order.to_machine_id = "NL-MACH-3";
  order.held_until = kNow + 100000;
  order.by = {"support-token", kNow};
  ASSERT_TRUE(store_->transfer_seat(order).ok());

  const auto freed = reclaimed_at(kNow + 1000);
  ASSERT_EQ(freed.size(), 1u);
  EXPECT_EQ(freed[0].id, idle);
  EXPECT_EQ(store_->activation(moved)->state, ActivationState::transferred);
  EXPECT_FALSE(store_->activation(moved)->reclaimed_at);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 0);

  SeatClaim fourth = claim_for("lic-1", 4, "n4");
  fourth.now = kNow + 1000;
  SeatClaim fifth = claim_for("lic-1", 5, "n5");
  fifth.now = kNow + 1000;
  ASSERT_TRUE(store_->claim_seat(fourth)->granted);
  ASSERT_TRUE(store_->claim_seat(fifth)->granted);
  SeatClaim sixth = claim_for("lic-1", 6, "n6");
  sixth.now = kNow + 1000;
  auto refused = store_->claim_seat(sixth);
  ASSERT_TRUE(refused.ok()) << refused.message();
  EXPECT_FALSE(refused->granted) << "2 seats used and 1 held fill the 3";
  EXPECT_EQ(refused->held, 1);
  SeatClaim successor = claim_for("lic-1", 3, "n3");
  successor.now = kNow + 1000;
  auto taken = store_->claim_seat(successor);
  ASSERT_TRUE(taken.ok()) << taken.message();
  EXPECT_TRUE(taken->granted) << "the held seat is still there for the machine it was moved to";

  order.activation_id = idle;
  order.to_machine_id = "NL-MACH-7";
  order.refusal = [](const SeatRefusal& refusal) {
    return transfer_refusal_message(refusal, "NL-MACH-7");
  };
  auto again = store_->transfer_seat(order);
  EXPECT_EQ(again.code(), ErrorCode::conflict);
  EXPECT_NE(again.message().find("already free"), std::string::npos) << again.message();
  EXPECT_NE(again.message().find("nodelock activate"), std::string::npos) << again.message();
}

// A database written before reclamation existed: the rebuilt activations
// table keeps every seat, its machine keys and every reference to it.
TEST(SeatReclaimMigration, SeatsAndTheirMachineKeysSurviveTheRebuild) {
  TempDir dir;
  std::string id;
  {
    auto store = open_or_fail(store_url(dir));
    ASSERT_TRUE(store->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
    ASSERT_TRUE(store->add_license(license_record("lic-1", 2), kByAdmin).ok());
    auto held = store->claim_seat(claim_for("lic-1", 1, "n1"));
    ASSERT_TRUE(held.ok() && held->granted);
    id = held->activation.id;
  }
  const std::string path = (dir / "nodelock.db").string();
  ASSERT_EQ(run_sql(path,
                    "ALTER TABLE activations DROP COLUMN released_at;"
                    "ALTER TABLE licenses DROP COLUMN self_service_releases_per_month;"
                    "ALTER TABLE license_users DROP COLUMN reserved;"
                    "DROP TABLE seat_transfers;"
                    "ALTER TABLE licenses DROP COLUMN max_transfers_per_year;"
                    "ALTER TABLE licenses DROP COLUMN transfer_cooldown_days;"
                    "ALTER TABLE activations DROP COLUMN reclaimed_at;"
                    "ALTER TABLE licenses DROP COLUMN reclaim_after_seconds;"
                    "DELETE FROM schema_version WHERE version >= 11;"),
            SQLITE_OK)
      << "back to the version before reclamation, undoing the migrations after it too";

  auto store = open_or_fail(store_url(dir));
  ASSERT_NE(store, nullptr);
  auto seat = store->activation(id);
  ASSERT_TRUE(seat.ok()) << seat.message();
  EXPECT_EQ(seat->state, ActivationState::active);
  EXPECT_EQ(seat->machine_id, "NL-MACH-1");
  auto same = store->claim_seat(claim_for("lic-1", 1, "n2"));
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_TRUE(same->existing) << "its machine keys still find the seat";
  EXPECT_EQ(
      run_sql(path, "PRAGMA foreign_keys=ON; INSERT INTO seat_keys VALUES('lic-1', 'k', 'none');"),
      SQLITE_CONSTRAINT)
      << "references to activations are still enforced";
}

}  // namespace
}  // namespace nodelock::server::testing
