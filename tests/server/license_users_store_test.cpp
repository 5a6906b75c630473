// License users in the SQLite store: their limits hold under concurrent
// transactions, and disabling frees their seats in the transaction that
// disables them, each with its audit entry.
#include <atomic>
#include <thread>
#include <vector>

#include "license_user_rules.h"
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

class LicenseUserStoreTest : public StoreTest {
 protected:
  void add_user(const std::string& email, std::optional<int> max_activations) {
    UserAddition addition;
    addition.user = {"lic-1", email, max_activations, false, false, kNow, 0};
    addition.by = kByAdmin;
    Status added = store_->add_license_user(addition);
    ASSERT_TRUE(added.ok()) << added.message();
  }

  // The claim of `machine` for `user` (empty: none), judged by the service's
  // rules on license users.
  SeatClaim claim_as(const std::string& user, int machine) {
    SeatClaim claim = claim_for("lic-1", machine, user + "-" + std::to_string(machine));
    claim.enrolment.user = user;
    claim.admit_user = admit_claiming_user;
    claim.admit_user_seat = admit_user_seat;
    return claim;
  }

  Result<UserChangeOutcome> change(const std::string& email, UserChangeKind kind,
                                   bool free_seats = false) {
    return store_->change_license_user(
        {"lic-1", email, kind, kByAdmin, rule_of(kind, free_seats), nullptr});
  }

  static std::function<Status(const LicenseUser&)> rule_of(UserChangeKind kind, bool free_seats) {
    return [=](const LicenseUser& user) { return admit_user_change(kind, free_seats, user); };
  }

  std::vector<AuditEntry> audit() { return store_->audit_entries(0, kNow + 1).value(); }
};

TEST_F(LicenseUserStoreTest, AUserIsAddedOnceAndListedWithTheSeatsTheyHold) {
  add_license("lic-1", 5);
  add_user("anna@example.com", 2);
  UserAddition again;
  again.user = {"lic-1", "anna@example.com", std::nullopt, false, false, kNow, 0};
  again.by = kByAdmin;
  EXPECT_EQ(store_->add_license_user(again).code(), ErrorCode::already_exists);
  again.user.license_id = "lic-none";
  EXPECT_EQ(store_->add_license_user(again).code(), ErrorCode::not_found);

  ASSERT_TRUE(store_->claim_seat(claim_as("anna@example.com", 1)).value().granted);
  auto users = store_->license_users("lic-1");
  ASSERT_TRUE(users.ok()) << users.message();
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].email, "anna@example.com");
  EXPECT_EQ((*users)[0].max_activations, 2);
  EXPECT_EQ((*users)[0].seats_used, 1);
  EXPECT_EQ(all_activations(*store_, "lic-1")[0].user, "anna@example.com");
  EXPECT_EQ(audit().front().action, "product.create");
  EXPECT_EQ(audit()[2].action, "user.add");
}

TEST_F(LicenseUserStoreTest, ALicenseWithUsersRefusesClaimsThatNameNoneOfThem) {
  add_license("lic-1", 5);
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "before")).value().granted)
      << "a license without users admits any machine";
  add_user("anna@example.com", std::nullopt);
  EXPECT_EQ(store_->claim_seat(claim_as("", 2)).code(), ErrorCode::forbidden);
  EXPECT_EQ(store_->claim_seat(claim_as("bob@example.com", 2)).code(), ErrorCode::forbidden);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 1);
}

TEST_F(LicenseUserStoreTest, ConcurrentClaimsOfOneUserGrantExactlyTheirMaximum) {
  add_license("lic-1", 50);
  add_user("anna@example.com", 3);
  std::atomic<int> granted{0};
  std::atomic<int> limited{0};
  std::vector<std::thread> threads;
  for (int machine = 0; machine < 100; ++machine) {
    threads.emplace_back([&, machine] {
      auto claim = store_->claim_seat(claim_as("anna@example.com", machine));
      if (claim.ok() && claim->granted) ++granted;
      if (!claim.ok() && claim.code() == ErrorCode::activation_limit) ++limited;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), 3);
  EXPECT_EQ(limited.load(), 97);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 3);
}

TEST_F(LicenseUserStoreTest, DisablingFreesEverySeatOfTheUserInOneChange) {
  add_license("lic-1", 5);
  add_user("anna@example.com", std::nullopt);
  add_user("bob@example.com", std::nullopt);
  ASSERT_TRUE(store_->claim_seat(claim_as("anna@example.com", 1)).value().granted);
  ASSERT_TRUE(store_->claim_seat(claim_as("anna@example.com", 2)).value().granted);
  ASSERT_TRUE(store_->claim_seat(claim_as("bob@example.com", 3)).value().granted);
  const std::size_t entries_before = audit().size();

  auto disabled = change("anna@example.com", UserChangeKind::disable);
  ASSERT_TRUE(disabled.ok()) << disabled.message();
  EXPECT_TRUE(disabled->user.disabled);
  EXPECT_EQ(disabled->freed.size(), 2u);
  EXPECT_EQ(store_->license("lic-1")->seats_used, 1);
  EXPECT_EQ(store_->active_seats("lic-1").value(), 1);
  const auto entries = audit();
  ASSERT_EQ(entries.size(), entries_before + 3) << "one entry per freed seat and the disable";
  EXPECT_EQ(entries[entries_before].action, "activation.reset");
  EXPECT_EQ(entries.back().action, "user.disable");

  CheckIn check_in;
  check_in.activation_id = disabled->freed[0].id;
  check_in.device_public_key = disabled->freed[0].device_public_key;
  check_in.nonce = "checkin";
  check_in.now = kNow;
  EXPECT_EQ(store_->check_in(check_in).code(), ErrorCode::user_disabled);
  EXPECT_EQ(store_->claim_seat(claim_as("anna@example.com", 4)).code(), ErrorCode::user_disabled);

  ASSERT_TRUE(change("anna@example.com", UserChangeKind::enable).ok());
  EXPECT_TRUE(store_->claim_seat(claim_as("anna@example.com", 4)).value().granted);
}

TEST_F(LicenseUserStoreTest, RemovingAUserWithSeatsIsRefusedUnlessTheyAreFreed) {
  add_license("lic-1", 5);
  add_user("anna@example.com", std::nullopt);
  ASSERT_TRUE(store_->claim_seat(claim_as("anna@example.com", 1)).value().granted);
  EXPECT_EQ(change("anna@example.com", UserChangeKind::remove).code(), ErrorCode::conflict);
  EXPECT_EQ(store_->license_users("lic-1").value().size(), 1u)
      << "a refused change changes nothing";
  EXPECT_EQ(change("nobody@example.com", UserChangeKind::disable).code(), ErrorCode::not_found);
  auto removed = change("anna@example.com", UserChangeKind::remove, true);
  ASSERT_TRUE(removed.ok()) << removed.message();
  EXPECT_EQ(removed->freed.size(), 1u);
  EXPECT_TRUE(store_->license_users("lic-1").value().empty());
  EXPECT_EQ(store_->license("lic-1")->seats_used, 0);
  EXPECT_EQ(audit().back().action, "user.remove");
}

TEST_F(LicenseUserStoreTest, AReservationIsAdmittedInItsTransactionOnTheUsersReservedThen) {
  add_license("lic-1", 5);
  add_user("anna@example.com", std::nullopt);
  add_user("bob@example.com", std::nullopt);
  std::vector<std::vector<std::string>> seen;
  const auto reserve = [&](const std::string& email, Status verdict) {
    UserChange change{
        "lic-1", email, UserChangeKind::reserve, kByAdmin, rule_of(UserChangeKind::reserve, false),
        nullptr};
    change.admit_reservation = [&seen, verdict](const License&,
                                                const std::vector<std::string>& reserved) {
      seen.push_back(reserved);
      return verdict;
    };
    return store_->change_license_user(change);
  };
  ASSERT_TRUE(reserve("anna@example.com", {}).ok());
  const Error refusal{ErrorCode::conflict, "every seat is reserved"};
  EXPECT_EQ(reserve("bob@example.com", refusal).code(), ErrorCode::conflict);
  EXPECT_EQ(seen, (std::vector<std::vector<std::string>>{{}, {"anna@example.com"}}));
  EXPECT_EQ(reserve("anna@example.com", {}).code(), ErrorCode::conflict) << "already reserved";
  const std::vector<LicenseUser> users = store_->license_users("lic-1").value();
  for (const LicenseUser& user : users) {
    EXPECT_EQ(user.reserved, user.email == "anna@example.com") << user.email;
  }
  EXPECT_EQ(audit().back().action, "user.reserve");

  ASSERT_TRUE(change("anna@example.com", UserChangeKind::unreserve).ok());
  EXPECT_EQ(change("anna@example.com", UserChangeKind::unreserve).code(), ErrorCode::conflict);
  EXPECT_FALSE(store_->license_users("lic-1").value()[0].reserved);
  EXPECT_EQ(audit().back().action, "user.unreserve");
}

}  // namespace
}  // namespace nodelock::server::testing
