// The Store contract for single writes: a refused write changes nothing and
// leaves no audit entry, every change has its audit entry, and the secrets
// the services hand out never reach the database.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "nodelock/server/admin_service.h"
#include "store_contract.h"

namespace nodelock::server::testing {
namespace {

Error refusal() { return make_error(ErrorCode::forbidden, "refused by the rule"); }

// Everything the store reads back, as text, to tell any two states apart.
std::string snapshot(Store& store) {
  std::ostringstream out;
  const std::vector<Product> products = store.products().value();
  for (const Product& product : products) out << "product " << product.id << "\n";
  const std::vector<License> licenses = store.licenses("").value();
  for (const License& license : licenses) {
    out << "license " << license.id << " " << name_of(license.state) << " max "
        << license.max_activations << " used " << license.seats_used << " expires "
        << license.expires_at.value_or(-1) << "\n";
    for (const Activation& seat : all_activations(store, license.id)) {
      out << "  seat " << seat.id << " " << name_of(seat.state) << " " << seat.machine_id << " "
          << seat.device_public_key << " seen " << seat.last_seen_at << " nonce "
          << seat.request_nonce << " user " << seat.user << "\n";
    }
    const std::vector<LicenseUser> users = store.license_users(license.id).value();
    for (const LicenseUser& user : users) {
      out << "  user " << user.email << " disabled " << user.disabled << " reserved "
          << user.reserved << " seats " << user.seats_used << "\n";
    }
  }
  const std::vector<AdminToken> tokens = store.admin_tokens().value();
  for (const AdminToken& token : tokens) {
    out << "token " << token.id << " " << name_of(token.role) << "\n";
  }
  for (const AuditEntry& entry : audit_log(store)) {
    out << "audit " << entry.sequence << " " << entry.action << " " << entry.subject << "\n";
  }
  return out.str();
}

class StoreContractWrites : public StoreContract {
 protected:
  // Runs `write`, which must be refused with `code`, and checks the store
  // reads the same afterwards, its audit log included.
  template <class Write>
  void expect_refused_and_unchanged(ErrorCode code, Write write) {
    const std::string before = snapshot(*store_);
    const auto result = write();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.code(), code) << result.message();
    EXPECT_EQ(snapshot(*store_), before) << "the refused write changed the store";
  }
};

TEST_P(StoreContractWrites, AClaimItsRuleRefusesFixesNoTrialAndSpendsNoNonce) {
  License trial = license_record("lic-1", 2);
  trial.term = Term::trial;
  trial.trial_days = 14;
  add_license(trial);
  SeatClaim claim = claim_for("lic-1", 1, "n1");
  claim.admit = [](const License&) -> Status { return refusal(); };
  expect_refused_and_unchanged(ErrorCode::forbidden, [&] { return store_->claim_seat(claim); });

  claim.admit = nullptr;
  auto granted = store_->claim_seat(claim);
  ASSERT_TRUE(granted.ok()) << granted.message();
  EXPECT_TRUE(granted->granted);
}

TEST_P(StoreContractWrites, AClaimOnAFullLicenseChangesNothing) {
  add_license(license_record("lic-1", 1));
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "n1")).value().granted);
  const std::string before = snapshot(*store_);
  auto refused = store_->claim_seat(claim_for("lic-1", 2, "n2"));
  ASSERT_TRUE(refused.ok()) << refused.message();
  EXPECT_FALSE(refused->granted);
  EXPECT_EQ(refused->used, 1);
  EXPECT_EQ(snapshot(*store_), before);
}

TEST_P(StoreContractWrites, AReplayedRequestChangesNothing) {
  add_license(license_record("lic-1", 5));
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "n1")).value().granted);
  expect_refused_and_unchanged(ErrorCode::replayed,
                               [&] { return store_->claim_seat(claim_for("lic-1", 2, "n1")); });
}

TEST_P(StoreContractWrites, AResetItsRuleRefusesLeavesTheSeatActive) {
  add_license(license_record("lic-1", 5));
  const Activation seat = store_->claim_seat(claim_for("lic-1", 1, "n1")).value().activation;
  SeatReset reset;
  reset.activation_id = seat.id;
  reset.by = kByAdmin;
  reset.admit = [](const License&, const std::vector<UnixTime>&) -> Result<Admission> {
    return refusal();
  };
  expect_refused_and_unchanged(ErrorCode::forbidden, [&] { return store_->reset_seat(reset); });
}

TEST_P(StoreContractWrites, ARemovalItsRuleRefusesKeepsTheUserAndTheirSeats) {
  add_license(license_record("lic-1", 5));
  UserAddition addition;
  addition.user = {"lic-1", "anna@example.com", std::nullopt, false, false, kNow, 0};
  addition.by = kByAdmin;
  ASSERT_TRUE(store_->add_license_user(addition).ok());
  SeatClaim claim = claim_for("lic-1", 1, "n1");
  claim.enrolment.user = "anna@example.com";
  ASSERT_TRUE(store_->claim_seat(claim).value().granted);
  const auto refuse = [](const LicenseUser&) -> Status { return refusal(); };
  expect_refused_and_unchanged(ErrorCode::forbidden, [&] {
    return store_->change_license_user(
        {"lic-1", "anna@example.com", UserChangeKind::remove, kByAdmin, refuse, nullptr});
  });
}

TEST_P(StoreContractWrites, AnImportWithOneBadLicenseImportsNone) {
  License unknown_product = license_record("lic-2", 1);
  unknown_product.product_id = "no-such-product";
  LicenseImport import;
  import.licenses = {license_record("lic-1", 1), unknown_product};
  import.by = kByAdmin;
  expect_refused_and_unchanged(ErrorCode::not_found,
                               [&] { return store_->import_licenses(import); });
}

TEST_P(StoreContractWrites, ALicenseWithATakenKeyHashIsRefused) {
  add_license(license_record("lic-1", 1));
  License twin = license_record("lic-2", 1);
  twin.key_hash = license_record("lic-1", 1).key_hash;
  expect_refused_and_unchanged(ErrorCode::already_exists,
                               [&] { return store_->add_license(twin, kByAdmin); });
}

TEST_P(StoreContractWrites, ALimitChangeItsRuleRefusesKeepsTheLimit) {
  add_license(license_record("lic-1", 5));
  LimitChange change;
  change.license_id = "lic-1";
  change.value = 9;
  change.by = kByAdmin;
  change.admit = [](const License&, const std::vector<std::string>&) -> Status {
    return refusal();
  };
  expect_refused_and_unchanged(ErrorCode::forbidden, [&] { return store_->set_limit(change); });
}

// The entries `write` added to the log, as "action subject".
template <class Write>
std::vector<std::string> entries_written_by(Store& store, Write write) {
  const std::size_t before = audit_log(store).size();
  const auto result = write();
  EXPECT_TRUE(result.ok()) << result.message();
  std::vector<std::string> added;
  const std::vector<AuditEntry> after = audit_log(store);
  for (std::size_t i = before; i < after.size(); ++i) {
    added.push_back(after[i].action + " " + after[i].subject);
  }
  return added;
}

using Entries = std::vector<std::string>;

TEST_P(StoreContractWrites, EveryChangeWritesItsAuditEntryInTheChainedLog) {
  Store& store = *store_;
  EXPECT_EQ(entries_written_by(
                store, [&] { return store.add_license(license_record("lic-1", 5), kByAdmin); }),
            Entries{"license.create lic-1"});
  UserAddition addition;
  addition.user = {"lic-1", "anna@example.com", std::nullopt, false, false, kNow, 0};
  addition.by = kByAdmin;
  EXPECT_EQ(entries_written_by(store, [&] { return store.add_license_user(addition); }),
            Entries{"user.add lic-1/anna@example.com"});
  SeatClaim claim = claim_for("lic-1", 1, "n1");
  claim.enrolment.user = "anna@example.com";
  EXPECT_EQ(entries_written_by(store, [&] { return store.claim_seat(claim); }),
            Entries{"activation.create act-n1"});
  claim.nonce = "n2";
  EXPECT_EQ(entries_written_by(store, [&] { return store.claim_seat(claim); }),
            Entries{"activation.reenrol act-n1"});
  EXPECT_EQ(entries_written_by(store,
                               [&] {
                                 return store.change_license_user({"lic-1", "anna@example.com",
                                                                   UserChangeKind::disable,
                                                                   kByAdmin, nullptr, nullptr});
                               }),
            (Entries{"activation.reset act-n1", "user.disable lic-1/anna@example.com"}));
  LimitChange limit{"lic-1", LicenseLimit::max_activations, 7, kByAdmin, nullptr};
  EXPECT_EQ(entries_written_by(store, [&] { return store.set_limit(limit); }),
            Entries{"license.limit lic-1"});
  EXPECT_EQ(
      entries_written_by(
          store,
          [&] { return store.set_license_state("lic-1", LicenseState::suspended, kByAdmin); }),
      Entries{"license.state lic-1"});
  const AdminToken token{"tok-2", "hash-of-tok-2", AdminRole::support, kNow};
  EXPECT_EQ(entries_written_by(store, [&] { return store.add_admin_token(token, kByAdmin); }),
            Entries{"token.create tok-2"});
  EXPECT_EQ(entries_written_by(store,
                               [&] {
                                 return store.revoke_admin_token({"tok-2", kByAdmin, nullptr});
                               }),
            Entries{"token.revoke tok-2"});

  const std::vector<AuditEntry> log = audit_log(store);
  EXPECT_FALSE(verify_audit_chain(log).broken);
  for (const AuditEntry& entry : log) {
    EXPECT_NE(entry.actor, "") << entry.action;
    EXPECT_EQ(entry.at, kNow) << entry.action;
  }
}

std::string without_dashes(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
  return text;
}

TEST_P(StoreContractWrites, LicenseKeysAndAdminTokensNeverReachTheDatabase) {
  const crypto::SigningKey vendor_key = crypto::SigningKey::generate();
  const LicenseKeyHasher hasher(crypto::random_bytes(32));
  AdminService admin({*store_, vendor_key, hasher, [] { return kNow; }, 600});
  const AdminCaller caller{"tok-admin", AdminRole::admin};
  LicenseOrder order;
  order.product = "acme-cad";
  order.licensee = "Example Ltd";
  auto created = admin.create_license(caller, order);
  ASSERT_TRUE(created.ok()) << created.message();
  auto token = admin.create_admin_token(caller, AdminRole::support);
  ASSERT_TRUE(token.ok()) << token.message();
  auto first_token = issue_admin_token(*store_, AdminRole::admin, kByAdmin);
  ASSERT_TRUE(first_token.ok()) << first_token.message();

  const std::vector<std::string> secrets = {created->key, without_dashes(created->key),
                                            token->token, first_token->token};
  const auto expect_no_secret = [&](const std::string& bytes) {
    // What the store does keep is there, so the bytes are those it wrote.
    ASSERT_NE(bytes.find(created->license.id), std::string::npos);
    for (const std::string& secret : secrets) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << "the database holds " << secret;
    }
  };
  expect_no_secret(GetParam().stored(dir_, url_));
  close_store();
  expect_no_secret(GetParam().stored(dir_, url_));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractWrites, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace nodelock::server::testing
