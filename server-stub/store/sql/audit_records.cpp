#include "audit_records.h"

#include <utility>

#include "../audit_views.h"
#include "nodelock/audit/audit_chain.h"

namespace nodelock::server::sql {

namespace {

// Chains and inserts `entry`, its hash made by `hash_of`.
Status insert_chained(Connection& db, AuditEntry entry,
                      Result<std::string> (*hash_of)(const AuditEntry&)) {
  Query newest = db.query("SELECT hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
  auto row = newest.step();
  if (!row.ok()) return row.error();
  entry.previous_hash = *row ? newest.text(0) : std::string();
  auto hash = hash_of(entry);
  if (!hash.ok()) return hash.error();
  return db
      .query(
          "INSERT INTO audit_log(at, actor, action, subject, before, after, previous_hash, hash) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, entry.at)
      .bind(2, entry.actor)
      .bind(3, entry.action)
      .bind(4, entry.subject)
      .bind(5, entry.before)
      .bind(6, entry.after)
      .bind(7, entry.previous_hash)
      .bind(8, *hash)
      .run();
}

}  // namespace

Status append_audit_entry(Connection& db, AuditEntry entry) {
  return insert_chained(db, std::move(entry), audit_hash);
}

Status record_change(Connection& db, const ChangedBy& by, std::string action, std::string subject,
                     const nlohmann::json& before, const nlohmann::json& after) {
  auto entry = audit_entry(by, std::move(action), std::move(subject), before, after);
  if (!entry.ok()) return entry.error();
  return insert_chained(db, std::move(*entry), audit_hash_of_canonical);
}

nlohmann::json with_override(nlohmann::json after, const Admission& admission,
                             const ChangedBy& by) {
  if (!admission.overridden_limits.empty()) {
    after["override"] = {{"limits", admission.overridden_limits}, {"by", by.actor}};
  }
  return after;
}

Result<std::vector<AuditEntry>> select_audit_entries(Connection& db, UnixTime from, UnixTime to) {
  Query query = db.query(
      "SELECT sequence, at, actor, action, subject, before, after, previous_hash, hash "
      "FROM audit_log WHERE at >= ? AND at <= ? ORDER BY sequence");
  query.bind(1, from).bind(2, to);
  std::vector<AuditEntry> entries;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return entries;
    entries.push_back(AuditEntry{query.integer(0), query.integer(1), query.text(2), query.text(3),
                                 query.text(4), query.text(5), query.text(6), query.text(7),
                                 query.text(8)});
  }
}

}  // namespace nodelock::server::sql
