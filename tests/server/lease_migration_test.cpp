// The migration that rebuilds the leases table so their end reason admits
// `user_removed`: run again on a database with held, borrowed and ended
// leases, it keeps every lease with every column and the table's indexes.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "database_file.h"
#include "nodelock/server/lease_service.h"
#include "nodelock/server/lease_store.h"
#include "service_fixture.h"
#include "sqlite/schema.h"

namespace nodelock::server::testing {
namespace {

class LeaseMigrationTest : public ServiceTest {
 protected:
  const AdminCaller kAdmin{"tok-admin", AdminRole::admin};
};

TEST_F(LeaseMigrationTest, RebuildingTheLeasesTableKeepsEveryLeaseAndItsIndexes) {
  ASSERT_TRUE(admin_.create_product(kAdmin, {"acme-cad", "Acme CAD", 0}).ok());
  LicenseOrder order;
  order.product = "acme-cad";
  order.model = SeatModel::floating;
  order.max_activations = 3;
  FloatingPolicy terms;
  terms.max_borrow_days = 7;
  order.floating = terms;
  auto license = admin_.create_license(kAdmin, order);
  ASSERT_TRUE(license.ok()) << license.message();
  LeaseService leases(context_);
  const TestMachine online, offline, released;
  const LeaseAnswer held = leases.check_out(online.lease_request(license->key, "acme-cad", now_));
  ASSERT_TRUE(held.result.ok()) << held.result.message();
  const LeaseAnswer borrowed =
      leases.borrow(offline.borrow_request(license->key, "acme-cad", now_, 2));
  ASSERT_TRUE(borrowed.result.ok()) << borrowed.result.message();
  const LeaseAnswer ended =
      leases.check_out(released.lease_request(license->key, "acme-cad", now_));
  ASSERT_TRUE(ended.result.ok()) << ended.result.message();
  ASSERT_TRUE(leases.force_release(kAdmin, ended.result->record.id).ok());
  store_.reset();

  const std::string path = (dir_ / "nodelock.db").string();
  ASSERT_EQ(run_sql(path, "DELETE FROM schema_version WHERE version = " +
                              std::to_string(sqlite::kSchemaVersion)),
            SQLITE_OK);
  auto store = open_or_fail(store_url(dir_));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(read_number(path, "SELECT max(version) FROM schema_version"), sqlite::kSchemaVersion);

  auto still_held = store->leases().held_leases(license->license.id);
  ASSERT_TRUE(still_held.ok()) << still_held.message();
  ASSERT_EQ(still_held->size(), 2u) << "the held lease and the borrowed one";
  auto kept = store->leases().lease(borrowed.result->record.id);
  ASSERT_TRUE(kept.ok()) << kept.message();
  EXPECT_TRUE(kept->borrowed);
  EXPECT_EQ(kept->expires_at, borrowed.result->record.expires_at);
  EXPECT_EQ(kept->machine_id, offline.fingerprint().machine_id());
  auto forced = store->leases().lease(ended.result->record.id);
  ASSERT_TRUE(forced.ok()) << forced.message();
  EXPECT_EQ(forced->end, SessionEnd::forced);

  EXPECT_EQ(read_number(path,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                        "'leases' AND name IN ('leases_held', 'leases_by_start')"),
            2);
  EXPECT_EQ(run_sql(path, "UPDATE leases SET end_reason = 'user_removed' WHERE id = '" +
                              ended.result->record.id + "'"),
            SQLITE_OK);
  EXPECT_EQ(run_sql(path, "UPDATE leases SET end_reason = 'lost' WHERE id = '" +
                              ended.result->record.id + "'"),
            SQLITE_CONSTRAINT)
      << "the end reason is still checked";
}

}  // namespace
}  // namespace nodelock::server::testing
