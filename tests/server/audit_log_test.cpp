// The audit log in the store: every change leaves exactly one entry in the
// change's own transaction, the entries form a hash chain, and the chain
// shows any entry edited, deleted or reordered in the database file.
#include <sqlite3.h>

#include <limits>
#include <thread>

#include "database_file.h"
#include "nodelock/activation/canonical_json.h"
#include "nodelock/audit/audit_chain.h"
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr UnixTime kEver = std::numeric_limits<UnixTime>::max();

class AuditLogTest : public StoreTest {
 protected:
  std::vector<AuditEntry> entries() {
    auto all = store_->audit_entries(0, kEver);
    EXPECT_TRUE(all.ok()) << all.message();
    return all.ok() ? *all : std::vector<AuditEntry>{};
  }

  // Runs SQL on the database file as someone with access to it would,
  // dropping the triggers that refuse casual edits first.
  void tamper(const std::string& sql) {
    EXPECT_EQ(tamper_with_audit_log(dir_ / "nodelock.db", sql), SQLITE_OK) << sql;
  }

  // Five entries: the product, a license, two seats and a suspension.
  void make_history() {
    add_license("lic-1", 5);
    ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 1, "n1")).ok());
    ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 2, "n2")).ok());
    ASSERT_TRUE(store_->set_license_state("lic-1", LicenseState::suspended, kByAdmin).ok());
    ASSERT_EQ(entries().size(), 5u);
    ASSERT_FALSE(verify_audit_chain(entries()).broken);
  }
};

TEST_F(AuditLogTest, EveryChangeIsRecordedWithItsActorInOrder) {
  make_history();
  const std::vector<AuditEntry> log = entries();
  const std::vector<std::string> actions = {"product.create", "license.create", "activation.create",
                                            "activation.create", "license.state"};
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].sequence, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(log[i].action, actions[i]);
    EXPECT_EQ(log[i].at, kNow);
  }
  EXPECT_EQ(log[0].actor, "tok-admin");
  EXPECT_EQ(log[2].actor, "device");
  EXPECT_EQ(log[2].before, "null");
  EXPECT_NE(log[2].after.find("\"machine_id\":\"NL-MACH-1\""), std::string::npos) << log[2].after;
  EXPECT_EQ(log[4].subject, "lic-1");
  EXPECT_EQ(log[4].before, R"({"status":"active"})");
  EXPECT_EQ(log[4].after, R"({"status":"suspended"})");
  EXPECT_EQ(log[0].previous_hash, "");
  EXPECT_EQ(log[1].previous_hash, log[0].hash);
}

TEST_F(AuditLogTest, NoSecretIsRecorded) {
  make_history();
  ASSERT_TRUE(
      store_->add_admin_token({"tok-2", "secret-token-hash", AdminRole::viewer, kNow}, kByAdmin)
          .ok());
  for (const AuditEntry& entry : entries()) {
    EXPECT_EQ(entry.after.find("hash-of-lic-1"), std::string::npos) << entry.after;
    EXPECT_EQ(entry.after.find("secret-token-hash"), std::string::npos) << entry.after;
  }
  EXPECT_EQ(entries().back().after, R"({"id":"tok-2","role":"viewer"})");
}

TEST_F(AuditLogTest, ARefusedChangeLeavesNoEntry) {
  make_history();
  EXPECT_EQ(store_->add_product({"acme-cad", "Again", kNow}, kByAdmin).code(),
            ErrorCode::already_exists);
  EXPECT_EQ(store_->set_license_state("nothing", LicenseState::revoked, kByAdmin).code(),
            ErrorCode::not_found);
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-1", 3, "n3")).ok());
  const std::size_t before_full = entries().size();
  add_license("lic-full", 1);
  ASSERT_TRUE(store_->claim_seat(claim_for("lic-full", 1, "f1")).ok());
  auto refused = store_->claim_seat(claim_for("lic-full", 2, "f2"));
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->granted);
  EXPECT_EQ(entries().size(), before_full + 2) << "the refused seat left an entry";
  EXPECT_FALSE(verify_audit_chain(entries()).broken);
}

TEST_F(AuditLogTest, DeactivationAndStandaloneEventsAreChained) {
  make_history();
  SeatRelease release{"act-n1", "device-key-1", "r1", kNow + 5, nullptr};
  ASSERT_TRUE(store_->release_seat(release).ok());
  AuditEntry refused;
  refused.at = kNow + 6;
  refused.actor = "anonymous";
  refused.action = "admin.auth_failed";
  refused.subject = "192.0.2.7";
  refused.before = refused.after = "null";
  ASSERT_TRUE(store_->append_audit(refused).ok());
  const std::vector<AuditEntry> log = entries();
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[5].action, "activation.deactivate");
  EXPECT_EQ(log[5].after, R"({"status":"deactivated"})");
  EXPECT_EQ(log[6].subject, "192.0.2.7");
  EXPECT_FALSE(verify_audit_chain(log).broken);
}

TEST_F(AuditLogTest, EntriesAreSelectedByTime) {
  add_license("lic-1", 5);
  ASSERT_TRUE(
      store_->set_license_state("lic-1", LicenseState::suspended, {"tok-admin", kNow + 100}).ok());
  ASSERT_TRUE(
      store_->set_license_state("lic-1", LicenseState::active, {"tok-admin", kNow + 200}).ok());
  auto middle = store_->audit_entries(kNow + 50, kNow + 150);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->size(), 1u);
  EXPECT_EQ(middle->front().at, kNow + 100);
  EXPECT_EQ(store_->audit_entries(kNow + 100, kNow + 200)->size(), 2u);
}

TEST_F(AuditLogTest, TheDatabaseRefusesEditingOrDeletingEntries) {
  make_history();
  EXPECT_NE(run_sql(dir_ / "nodelock.db", "UPDATE audit_log SET actor = 'x'"), SQLITE_OK);
  EXPECT_NE(run_sql(dir_ / "nodelock.db", "DELETE FROM audit_log"), SQLITE_OK);
  EXPECT_EQ(entries().size(), 5u);
}

TEST_F(AuditLogTest, VerifyNamesAnEditedEntry) {
  make_history();
  tamper("UPDATE audit_log SET after = '{\"status\":\"active\"}' WHERE sequence = 5");
  const auto checked = verify_audit_chain(entries());
  ASSERT_TRUE(checked.broken);
  EXPECT_EQ(checked.broken->sequence, 5);
  EXPECT_EQ(checked.broken->kind, AuditBreakKind::edited);
  EXPECT_NE(checked.broken->message.find("entry 5 was edited"), std::string::npos)
      << checked.broken->message;
}

TEST_F(AuditLogTest, VerifyNamesAnEntryEditedWithItsHashRecomputed) {
  make_history();
  AuditEntry forged = entries()[2];
  forged.actor = "tok-someone-else";
  forged.hash = audit_hash(forged).value();
  tamper("UPDATE audit_log SET actor = '" + forged.actor + "', hash = '" + forged.hash +
         "' WHERE sequence = 3");
  const auto checked = verify_audit_chain(entries());
  ASSERT_TRUE(checked.broken);
  EXPECT_EQ(checked.broken->sequence, 4);
  EXPECT_NE(checked.broken->message.find("before entry 4"), std::string::npos)
      << checked.broken->message;
}

TEST_F(AuditLogTest, VerifyNamesADeletedEntry) {
  make_history();
  tamper("DELETE FROM audit_log WHERE sequence = 3");
  const auto checked = verify_audit_chain(entries());
  ASSERT_TRUE(checked.broken);
  EXPECT_EQ(checked.broken->sequence, 4);
  EXPECT_EQ(checked.broken->kind, AuditBreakKind::deleted);
  EXPECT_NE(checked.broken->message.find("entry 3 was deleted"), std::string::npos)
      << checked.broken->message;
}

TEST_F(AuditLogTest, DeletingTheNewestEntriesShowsOnceTheLogGoesOn) {
  make_history();
  tamper("DELETE FROM audit_log WHERE sequence >= 4");
  EXPECT_FALSE(verify_audit_chain(entries()).broken) << "a shorter chain is intact by itself";
  ASSERT_TRUE(store_->set_license_state("lic-1", LicenseState::active, kByAdmin).ok());
  const auto checked = verify_audit_chain(entries());
  ASSERT_TRUE(checked.broken);
  EXPECT_EQ(checked.broken->kind, AuditBreakKind::deleted);
  EXPECT_EQ(checked.broken->sequence, 6);
}

TEST_F(AuditLogTest, VerifyNamesAReorderedEntry) {
  make_history();
  tamper(
      "UPDATE audit_log SET sequence = 100 WHERE sequence = 3; "
      "UPDATE audit_log SET sequence = 3 WHERE sequence = 4; "
      "UPDATE audit_log SET sequence = 4 WHERE sequence = 100;");
  const auto checked = verify_audit_chain(entries());
  ASSERT_TRUE(checked.broken);
  EXPECT_EQ(checked.broken->sequence, 3);
  EXPECT_EQ(checked.broken->kind, AuditBreakKind::reordered);
}

TEST_F(AuditLogTest, TwoStoresWritingAtOnceKeepOneUnbrokenChain) {
  add_license("lic-1", 1000);
  auto second = open_or_fail(store_url(dir_));
  ASSERT_NE(second, nullptr);
  std::vector<std::thread> writers;
  for (int machine = 0; machine < 200; ++machine) {
    writers.emplace_back([&, machine] {
      Store& store = machine % 2 ? *second : *store_;
      EXPECT_TRUE(
          store.claim_seat(claim_for("lic-1", machine, "n" + std::to_string(machine))).ok());
    });
  }
  for (auto& writer : writers) writer.join();
  const std::vector<AuditEntry> log = entries();
  EXPECT_EQ(log.size(), 2u + 200u);
  const auto checked = verify_audit_chain(log);
  EXPECT_FALSE(checked.broken) << checked.broken->message;
}

TEST(AuditEntryJson, RoundTripsAndKeepsTheHash) {
  AuditEntry entry{7,
                   kNow,
                   "tok-1",
                   "license.state",
                   "lic-1",
                   R"({"status":"active"})",
                   R"({"status":"revoked"})",
                   "",
                   ""};
  entry.hash = audit_hash(entry).value();
  auto read = audit_entry_from_json(to_json(entry));
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(read->after, entry.after);
  EXPECT_EQ(audit_hash(*read).value(), entry.hash);
}

TEST(AuditEntryJson, BadInputIsMalformedNamingTheField) {
  AuditEntry entry{1, kNow, "tok-1", "product.create", "p", "null", R"({"id":"p"})", "", "h"};
  const nlohmann::json good = to_json(entry);
  EXPECT_EQ(audit_entry_from_json(nlohmann::json::array()).code(), ErrorCode::malformed);
  for (const char* field : {"sequence", "at", "actor", "before", "after", "hash"}) {
    nlohmann::json missing = good;
    missing.erase(field);
    auto read = audit_entry_from_json(missing);
    EXPECT_EQ(read.code(), ErrorCode::malformed) << field;
    EXPECT_NE(read.message().find(field), std::string::npos) << read.message();
  }
  nlohmann::json wrong_type = good;
  wrong_type["at"] = "yesterday";
  EXPECT_EQ(audit_entry_from_json(wrong_type).code(), ErrorCode::malformed);
  nlohmann::json with_float = good;
  with_float["after"] = 1.5;
  EXPECT_EQ(audit_entry_from_json(with_float).code(), ErrorCode::malformed);
  nlohmann::json unknown = good;
  unknown["extra"] = 1;
  EXPECT_EQ(audit_entry_from_json(unknown).code(), ErrorCode::malformed);
}

// The writer hashes the canonical texts it made without parsing them again;
// the verifier parses what the database holds. Both must agree, escapes included.
TEST(AuditHash, TheWritersHashIsTheVerifiersHash) {
  const nlohmann::json before = {{"hostname", "caf\u00e9 \"lab\"\n\t"}, {"seats", 3}};
  const nlohmann::json after = {{"hostname", "\u00e9\u20ac"}, {"features", {"a", "b"}}};
  AuditEntry entry{1,
                   kNow,
                   "tok-\"1\"",
                   "license.\u00e9dit",
                   "lic_\\1",
                   *canonical_json(before),
                   *canonical_json(after),
                   std::string(64, 'a'),
                   ""};
  auto verifiers = audit_hash(entry);
  auto writers = audit_hash_of_canonical(entry);
  ASSERT_TRUE(verifiers.ok()) << verifiers.message();
  ASSERT_TRUE(writers.ok()) << writers.message();
  EXPECT_EQ(*writers, *verifiers);
  entry.at += 1;
  EXPECT_NE(*audit_hash_of_canonical(entry), *verifiers);
}

TEST(AuditHash, UnreadableContentHasNoHash) {
  AuditEntry entry{1, kNow, "tok-1", "product.create", "p", "not json", "null", "", ""};
  EXPECT_EQ(audit_hash(entry).code(), ErrorCode::malformed);
}

}  // namespace
}  // namespace nodelock::server::testing
