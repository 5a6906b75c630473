#include <sqlite3.h>

#include <atomic>
#include <thread>
#include <tuple>
#include <vector>

#include "database_file.h"
#include "sqlite/schema.h"
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

// --- schema migrations ---

long long recorded_schema_version(const std::filesystem::path& path) {
  return read_number(path, "SELECT max(version) FROM schema_version");
}

TEST(SchemaMigration, NewDatabaseIsCreatedAtTheCurrentVersion) {
  TempDir dir;
  ASSERT_NE(open_or_fail(store_url(dir)), nullptr);
  EXPECT_EQ(recorded_schema_version((dir / "nodelock.db").string()), sqlite::kSchemaVersion);
}

TEST(SchemaMigration, ReopeningKeepsTheDataAndTheVersion) {
  TempDir dir;
  {
    auto store = open_or_fail(store_url(dir));
    ASSERT_TRUE(store->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
  }
  auto store = open_or_fail(store_url(dir));
  auto product = store->product("acme-cad");
  ASSERT_TRUE(product.ok()) << product.message();
  EXPECT_EQ(product->name, "Acme CAD");
  EXPECT_EQ(recorded_schema_version((dir / "nodelock.db").string()), sqlite::kSchemaVersion);
}

TEST(SchemaMigration, DatabaseFromANewerServerIsRefused) {
  TempDir dir;
  open_or_fail(store_url(dir));
  const std::string bump = "INSERT INTO schema_version(version) VALUES(" +
                           std::to_string(sqlite::kSchemaVersion + 1) + ")";
  ASSERT_EQ(run_sql(dir / "nodelock.db", bump), SQLITE_OK);

  auto store = open_store(store_url(dir));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), ErrorCode::conflict);
  EXPECT_NE(store.message().find("newer"), std::string::npos) << store.message();
}

// Migration 13 rebuilds the activations table (to admit new seat states); run
// again, with the migrations after it, on a database whose seats it must carry
// over, with every column the migrations before it added (a reclaimed seat's
// reclaimed_at).
TEST(SchemaMigration, RebuildingTheActivationsTableKeepsEverySeatAndItsKeys) {
  TempDir dir;
  {
    auto store = open_or_fail(store_url(dir));
    ASSERT_TRUE(store->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
    License license = license_record("lic-1", 3);
    license.reclaim_after_seconds = 100;
    ASSERT_TRUE(store->add_license(license, kByAdmin).ok());
    ASSERT_TRUE(store->claim_seat(claim_for("lic-1", 1, "n1")).ok());
    auto second = store->claim_seat(claim_for("lic-1", 2, "n2"));
    ASSERT_TRUE(second.ok()) << second.message();
    SeatReset reset;
    reset.activation_id = second->activation.id;
    reset.by = kByAdmin;
    ASSERT_TRUE(store->reset_seat(reset).ok());
    auto third = store->claim_seat(claim_for("lic-1", 3, "n3"));
    ASSERT_TRUE(third.ok()) << third.message();
    auto reclaimed = store->reclaim_seats({"lic-1", {third->activation.id}, kNow + 1000});
    ASSERT_TRUE(reclaimed.ok() && reclaimed->size() == 1u);
  }
  const std::string undo =
      "ALTER TABLE activations DROP COLUMN released_at; "
      "ALTER TABLE licenses DROP COLUMN self_service_releases_per_month; "
      "DROP TABLE seat_transfers; "
      "ALTER TABLE licenses DROP COLUMN max_transfers_per_year; "
      "ALTER TABLE licenses DROP COLUMN transfer_cooldown_days; "
      "DELETE FROM schema_version WHERE version >= 13";
  ASSERT_EQ(run_sql(dir / "nodelock.db", undo), SQLITE_OK);

  auto store = open_or_fail(store_url(dir));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(recorded_schema_version((dir / "nodelock.db").string()), sqlite::kSchemaVersion);
  auto page = store->activation_page("lic-1", {});
  ASSERT_TRUE(page.ok()) << page.message();
  const std::vector<Activation>& seats = page->activations;
  ASSERT_EQ(seats.size(), 3u);
  EXPECT_EQ(seats[0].state, ActivationState::active);
  EXPECT_EQ(seats[0].hostname, "host1");
  EXPECT_EQ(seats[1].state, ActivationState::reset);
  EXPECT_EQ(seats[2].state, ActivationState::reclaimed);
  EXPECT_EQ(seats[2].reclaimed_at, kNow + 1000);
  EXPECT_EQ(store->license("lic-1")->reclaim_after_seconds, 100);
  auto again = store->claim_seat(claim_for("lic-1", 1, "n4"));
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE(again->existing) << "the seat is found again by its keys";
  auto fourth = store->claim_seat(claim_for("lic-1", 4, "n5"));
  ASSERT_TRUE(fourth.ok()) << fourth.message();
  EXPECT_TRUE(fourth->granted);
  EXPECT_EQ(fourth->used, 2);
}

TEST(OpenStore, UnknownSchemeIsRefusedWithTheSupportedOne) {
  auto store = open_store("mysql://db/licenses");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), ErrorCode::invalid_argument);
  EXPECT_NE(store.message().find("sqlite:"), std::string::npos);
}

TEST(OpenStore, UnwritableLocationIsAnIoError) {
  TempDir dir;
  auto store = open_store("sqlite:" + (dir / "missing" / "nodelock.db").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), ErrorCode::io_error);
}

// --- products and licenses ---

TEST_F(StoreTest, ProductsAreListedAndDuplicatesRefused) {
  ASSERT_TRUE(store_->add_product({"acme-viewer", "Acme Viewer", kNow}, kByAdmin).ok());
  EXPECT_EQ(store_->add_product({"acme-cad", "Again", kNow}, kByAdmin).code(),
            ErrorCode::already_exists);
  auto products = store_->products();
  ASSERT_TRUE(products.ok());
  ASSERT_EQ(products->size(), 2u);
  EXPECT_EQ((*products)[0].id, "acme-cad");
  EXPECT_EQ((*products)[1].id, "acme-viewer");
  EXPECT_EQ(store_->product("nothing").code(), ErrorCode::not_found);
}

TEST_F(StoreTest, LicenseRoundTripsEveryField) {
  License written = license_record("lic-1", 3);
  written.term = Term::subscription;
  written.expires_at = kNow + 365 * 86400;
  written.grace_days = 7;
  written.refresh_days = 14;
  written.max_version = 4;
  written.maintenance_end = kNow + 100;
  written.match_policy = "{\"threshold\":60}";
  ASSERT_TRUE(store_->add_license(written, kByAdmin).ok());

  for (auto read : {store_->license("lic-1"), store_->license_by_key_hash("hash-of-lic-1")}) {
    ASSERT_TRUE(read.ok()) << read.message();
    EXPECT_EQ(read->product_id, "acme-cad");
    EXPECT_EQ(read->key_last5, "ABCDE");
    EXPECT_EQ(read->licensee, "Example Ltd");
    EXPECT_EQ(read->max_activations, 3);
    EXPECT_EQ(read->term, Term::subscription);
    EXPECT_EQ(read->expires_at, written.expires_at);
    EXPECT_EQ(read->grace_days, 7);
    EXPECT_EQ(read->refresh_days, 14);
    EXPECT_EQ(read->features, written.features);
    EXPECT_EQ(read->max_version, 4);
    EXPECT_EQ(read->maintenance_end, written.maintenance_end);
    EXPECT_EQ(read->state, LicenseState::active);
    EXPECT_EQ(read->match_policy, written.match_policy);
  }
}

TEST_F(StoreTest, LicenseNeedsAnExistingProductAndAnUnusedKey) {
  License orphan = license_record("lic-1", 1);
  orphan.product_id = "nothing";
  EXPECT_EQ(store_->add_license(orphan, kByAdmin).code(), ErrorCode::not_found);
  add_license("lic-1", 1);
  License same_key = license_record("lic-2", 1);
  same_key.key_hash = "hash-of-lic-1";
  EXPECT_EQ(store_->add_license(same_key, kByAdmin).code(), ErrorCode::already_exists);
  EXPECT_EQ(store_->license_by_key_hash("unknown").code(), ErrorCode::not_found);
}

TEST_F(StoreTest, LicensesAreListedPerProduct) {
  ASSERT_TRUE(store_->add_product({"acme-viewer", "Acme Viewer", kNow}, kByAdmin).ok());
  add_license("lic-1", 1);
  License viewer = license_record("lic-2", 1);
  viewer.product_id = "acme-viewer";
  ASSERT_TRUE(store_->add_license(viewer, kByAdmin).ok());
  EXPECT_EQ(store_->licenses("").value().size(), 2u);
  auto cad = store_->licenses("acme-cad");
  ASSERT_TRUE(cad.ok());
  ASSERT_EQ(cad->size(), 1u);
  EXPECT_EQ((*cad)[0].id, "lic-1");
}

TEST_F(StoreTest, LicenseStateChangesAreStored) {
  add_license("lic-1", 1);
  auto suspended = store_->set_license_state("lic-1", LicenseState::suspended, kByAdmin);
  ASSERT_TRUE(suspended.ok());
  EXPECT_EQ(suspended->state, LicenseState::suspended);
  EXPECT_EQ(store_->license("lic-1")->state, LicenseState::suspended);
  EXPECT_EQ(store_->set_license_state("nothing", LicenseState::revoked, kByAdmin).code(),
            ErrorCode::not_found);
}

TEST_F(StoreTest, AdminTokensAreFoundByHashOnly) {
  ASSERT_TRUE(
      store_->add_admin_token({"tok-1", "token-hash", AdminRole::support, kNow}, kByAdmin).ok());
  auto token = store_->admin_token_by_hash("token-hash");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->role, AdminRole::support);
  EXPECT_EQ(store_->admin_token_by_hash("other").code(), ErrorCode::not_found);
}

// --- seats ---

TEST_F(StoreTest, SeatsAreGrantedUpToTheLimitThenRefusedWithTheCount) {
  add_license("lic-1", 3);
  for (int machine = 0; machine < 3; ++machine) {
    auto claim = store_->claim_seat(claim_for("lic-1", machine, "n" + std::to_string(machine)));
    ASSERT_TRUE(claim.ok()) << claim.message();
    EXPECT_TRUE(claim->granted);
    EXPECT_FALSE(claim->existing);
    EXPECT_EQ(claim->used, machine + 1);
    EXPECT_EQ(claim->activation.state, ActivationState::active);
  }
  auto refused = store_->claim_seat(claim_for("lic-1", 3, "n3"));
  ASSERT_TRUE(refused.ok()) << refused.message();
  EXPECT_FALSE(refused->granted);
  EXPECT_EQ(refused->used, 3);
  EXPECT_EQ(refused->license.max_activations, 3);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 3);
}

TEST_F(StoreTest, SameMachineGetsItsSeatBackWithTheNewEnrolment) {
  add_license("lic-1", 1);
  auto first = store_->claim_seat(claim_for("lic-1", 7, "n1"));
  ASSERT_TRUE(first.ok() && first->granted);
  SeatClaim again = claim_for("lic-1", 7, "n2");
  again.enrolment.device_public_key = "reinstalled-device-key";
  auto second = store_->claim_seat(again);
  ASSERT_TRUE(second.ok()) << second.message();
  EXPECT_TRUE(second->granted);
  EXPECT_TRUE(second->existing);
  EXPECT_EQ(second->activation.id, first->activation.id);
  EXPECT_EQ(second->used, 1);
  auto stored = store_->activation(first->activation.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->device_public_key, "reinstalled-device-key");
  EXPECT_EQ(stored->request_nonce, "n2");
}

// The claim asks same_machine() about every active seat of its license that
// shares any of its keys, oldest first; seats of other licenses, seats sharing
// no key and freed seats are never candidates.
TEST_F(StoreTest, CandidateSeatsShareAKeyAreActiveOnTheLicenseAndComeOldestFirst) {
  add_license("lic-1", 5);
  add_license("lic-2", 5);
  const auto enrol = [&](const std::string& license, int machine, UnixTime at,
                         std::vector<std::string> keys) {
    SeatClaim claim = claim_for(license, machine, "n" + license + std::to_string(machine));
    claim.now = at;
    claim.machine_keys = std::move(keys);
    auto granted = store_->claim_seat(claim);
    EXPECT_TRUE(granted.ok() && granted->granted) << granted.message();
    return granted.ok() ? granted->activation : Activation{};
  };
  const Activation newer = enrol("lic-1", 2, kNow + 10, {"disk:b", "mac:b"});
  const Activation older = enrol("lic-1", 1, kNow, {"disk:a", "mac:a"});
  enrol("lic-1", 3, kNow, {"disk:c"});
  enrol("lic-2", 4, kNow, {"disk:a", "mac:b"});
  const Activation freed = enrol("lic-1", 5, kNow - 10, {"mac:b"});
  ASSERT_TRUE(
      store_
          ->release_seat(SeatRelease{freed.id, freed.device_public_key, "n-release", kNow, nullptr})
          .ok());

  // A same_machine() that notes each seat it is asked about and answers `same`.
  std::vector<std::string> asked;
  const auto asking = [&asked](bool same) {
    return [&asked, same](const Activation& seat) {
      asked.push_back(seat.id);
      return same;
    };
  };
  SeatClaim claim = claim_for("lic-1", 9, "n9");
  claim.now = kNow + 20;
  claim.machine_keys = {"mac:b", "device:new", "disk:a", "mac:a"};
  claim.same_machine = asking(false);
  auto outcome = store_->claim_seat(claim);
  ASSERT_TRUE(outcome.ok()) << outcome.message();
  EXPECT_TRUE(outcome->granted);
  EXPECT_FALSE(outcome->existing);
  EXPECT_EQ(asked, (std::vector<std::string>{older.id, newer.id}));

  asked.clear();
  SeatClaim again = claim_for("lic-1", 9, "n10");
  again.machine_keys = {"mac:a"};
  again.same_machine = asking(true);
  auto renewed = store_->claim_seat(again);
  ASSERT_TRUE(renewed.ok()) << renewed.message();
  EXPECT_TRUE(renewed->existing);
  EXPECT_EQ(renewed->activation.id, older.id);
  EXPECT_EQ(asked, (std::vector<std::string>{older.id}));
}

TEST_F(StoreTest, ReplayedNonceIsRefusedAndConsumesNothing) {
  add_license("lic-1", 5);
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "same")).ok());
  auto replay = store_->claim_seat(claim_for("lic-1", 2, "same"));
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.code(), ErrorCode::replayed);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 1);
}

TEST_F(StoreTest, RefusedAdmissionChangesNothingAndLeavesTheNonceUnused) {
  add_license("lic-1", 5);
  SeatClaim claim = claim_for("lic-1", 1, "n1");
  claim.admit = [](const License&) -> Status {
    return make_error(ErrorCode::suspended, "suspended for the test");
  };
  EXPECT_EQ(store_->claim_seat(claim).code(), ErrorCode::suspended);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 0);
  claim.admit = nullptr;
  EXPECT_TRUE(store_->claim_seat(claim).ok());
}

TEST_F(StoreTest, TrialExpiryIsFixedAtTheFirstActivationOnly) {
  License trial = license_record("lic-1", 5);
  trial.term = Term::trial;
  trial.trial_days = 14;
  ASSERT_TRUE(store_->add_license(trial, kByAdmin).ok());
  EXPECT_FALSE(store_->license("lic-1")->expires_at.has_value());
  SeatClaim first = claim_for("lic-1", 1, "n1");
  auto granted = store_->claim_seat(first);
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(granted->license.expires_at, kNow + 14 * 86400);
  SeatClaim later = claim_for("lic-1", 2, "n2");
  later.now = kNow + 86400;
  ASSERT_TRUE(store_->claim_seat(later).ok());
  EXPECT_EQ(store_->license("lic-1")->expires_at, kNow + 14 * 86400);
}

TEST_F(StoreTest, ReleasedSeatIsFreeForAnotherMachine) {
  add_license("lic-1", 1);
  auto held = store_->claim_seat(claim_for("lic-1", 1, "n1"));
  ASSERT_TRUE(held.ok() && held->granted);
  EXPECT_FALSE(store_->claim_seat(claim_for("lic-1", 2, "n2"))->granted);

  SeatRelease release{held->activation.id, "device-key-1", "r1", kNow, nullptr};
  auto released = store_->release_seat(release);
  ASSERT_TRUE(released.ok()) << released.message();
  EXPECT_EQ(released->state, ActivationState::deactivated);
  EXPECT_EQ(store_->release_seat(release).code(), ErrorCode::replayed);
  release.nonce = "r2";
  EXPECT_EQ(store_->release_seat(release).code(), ErrorCode::conflict);

  EXPECT_TRUE(store_->claim_seat(claim_for("lic-1", 2, "n3"))->granted);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 1);
}

TEST_F(StoreTest, ReleaseNeedsTheEnrolledDeviceKey) {
  add_license("lic-1", 1);
  auto held = store_->claim_seat(claim_for("lic-1", 1, "n1"));
  ASSERT_TRUE(held.ok());
  SeatRelease release{held->activation.id, "someone-else", "r1", kNow, nullptr};
  EXPECT_EQ(store_->release_seat(release).code(), ErrorCode::machine_mismatch);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 1);
  release.activation_id = "nothing";
  release.nonce = "r2";
  EXPECT_EQ(store_->release_seat(release).code(), ErrorCode::not_found);
}

TEST_F(StoreTest, CheckInRenewsAnActiveSeatOnly) {
  add_license("lic-1", 1);
  auto held = store_->claim_seat(claim_for("lic-1", 1, "n1"));
  ASSERT_TRUE(held.ok());
  CheckIn check_in{held->activation.id, "device-key-1", "c1", kNow + 60, nullptr, nullptr, nullptr};
  auto renewed = store_->check_in(check_in);
  ASSERT_TRUE(renewed.ok()) << renewed.message();
  EXPECT_EQ(renewed->activation.last_seen_at, kNow + 60);
  EXPECT_EQ(renewed->activation.request_nonce, "c1");
  EXPECT_EQ(renewed->license.id, "lic-1");
  EXPECT_EQ(store_->check_in(check_in).code(), ErrorCode::replayed);

  check_in.nonce = "c2";
  check_in.device_public_key = "someone-else";
  EXPECT_EQ(store_->check_in(check_in).code(), ErrorCode::machine_mismatch);

  ASSERT_TRUE(
      store_->release_seat({held->activation.id, "device-key-1", "r1", kNow, nullptr}).ok());
  check_in.nonce = "c3";
  check_in.device_public_key = "device-key-1";
  EXPECT_EQ(store_->check_in(check_in).code(), ErrorCode::not_activated);
}

TEST_F(StoreTest, OldNoncesAreForgotten) {
  add_license("lic-1", 5);
  SeatClaim old = claim_for("lic-1", 1, "old");
  old.now = kNow - 3600;
  ASSERT_TRUE(store_->claim_seat(old).ok());
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 2, "new")).ok());
  EXPECT_EQ(store_->forget_nonces_before(kNow - 60).value(), 1);
  EXPECT_EQ(store_->claim_seat(claim_for("lic-1", 3, "new")).code(), ErrorCode::replayed);
}

// --- the seat limit under concurrency ---

int claim_concurrently(const std::vector<Store*>& stores, int requests, const char* tag) {
  std::atomic<int> granted{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int machine = 0; machine < requests; ++machine) {
    threads.emplace_back([&, machine] {
      Store* store = stores[static_cast<std::size_t>(machine) % stores.size()];
      auto claim = store->claim_seat(claim_for("lic-1", machine, tag + std::to_string(machine)));
      if (!claim.ok()) {
        ++failures;
      } else if (claim->granted) {
        ++granted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  return granted.load();
}

TEST_F(StoreTest, ActivationPagesListEverySeatOnceInOrder) {
  add_license("lic-1", 300);
  for (int machine = 0; machine < 250; ++machine) {
    SeatClaim claim = claim_for("lic-1", machine, "n" + std::to_string(1000 + machine));
    claim.now = kNow + machine % 7;  // ties on the time are ordered by id
    ASSERT_TRUE(store_->claim_seat(claim).ok());
  }
  ActivationPageRequest request;
  std::vector<Activation> listed;
  std::vector<std::size_t> sizes;
  for (;;) {
    auto page = store_->activation_page("lic-1", request);
    ASSERT_TRUE(page.ok()) << page.message();
    sizes.push_back(page->activations.size());
    listed.insert(listed.end(), page->activations.begin(), page->activations.end());
    if (!page->next) break;
    EXPECT_EQ(*page->next, page->activations.back().id);
    request.after = *page->next;
    if (sizes.size() == 1) {
      // A machine activated while the pages are read is listed (it is newest), never twice.
      SeatClaim late = claim_for("lic-1", 999, "n-late");
      late.now = kNow + 100;
      ASSERT_TRUE(store_->claim_seat(late).ok());
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 51}));
  ASSERT_EQ(listed.size(), 251u);
  for (std::size_t i = 1; i < listed.size(); ++i) {
    EXPECT_LT(std::tie(listed[i - 1].activated_at, listed[i - 1].id),
              std::tie(listed[i].activated_at, listed[i].id));
  }
  EXPECT_EQ(listed.back().machine_id, "NL-MACH-999");

  request.after = "act-not-there";
  EXPECT_EQ(store_->activation_page("lic-1", request).code(), ErrorCode::invalid_argument);
  add_license("lic-2", 1);
  request.after = listed.front().id;  // of another license
  EXPECT_EQ(store_->activation_page("lic-2", request).code(), ErrorCode::invalid_argument);
}

TEST_F(StoreTest, TheSeatAnsweringARequestIsFoundByItsNonce) {
  add_license("lic-1", 3);
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "n-first")).ok());
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 2, "n-second")).ok());
  auto seat = store_->seat_answering("lic-1", "n-second");
  ASSERT_TRUE(seat.ok()) << seat.message();
  EXPECT_EQ(seat->machine_id, "NL-MACH-2");
  EXPECT_EQ(store_->seat_answering("lic-1", "n-none").code(), ErrorCode::not_found);
  EXPECT_EQ(store_->seat_answering("lic-2", "n-first").code(), ErrorCode::not_found);
}

TEST_F(StoreTest, FiveHundredConcurrentClaimsGrantExactlyTheSeats) {
  add_license("lic-1", 10);
  EXPECT_EQ(claim_concurrently({store_.get()}, 500, "n"), 10);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 10);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 10);
  EXPECT_EQ(all_activations(*store_, "lic-1").size(), 10u);
}

TEST_F(StoreTest, TwoStoresOnOneDatabaseHoldTheLimitTogether) {
  add_license("lic-1", 10);
  auto second = open_or_fail(store_url(dir_));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(claim_concurrently({store_.get(), second.get()}, 500, "n"), 10);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 10);
  EXPECT_EQ(second->active_seats("lic-1").value(), 10);
}

}  // namespace
}  // namespace nodelock::server::testing
