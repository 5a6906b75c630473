#include "lease_records.h"

#include <string>

#include <nlohmann/json.hpp>

#include "audit_records.h"

namespace nodelock::server::sql {

namespace {

constexpr const char* kLeaseColumns =
    "id, license_id, seat, user_email, machine_id, hostname, project, device_public_key, "
    "started_at, last_seen_at, expires_at, ttl_seconds, sequence, overage, ended_at, end_reason, "
    "borrowed";

Lease read_lease(const Query& row) {
  Lease lease;
  lease.id = row.text(0);
  lease.license_id = row.text(1);
  lease.seat = row.text(2);
  lease.user = row.text(3);
  lease.machine_id = row.text(4);
  lease.hostname = row.text(5);
  lease.project = row.text(6);
  lease.device_public_key = row.text(7);
  lease.started_at = row.integer(8);
  lease.last_seen_at = row.integer(9);
  lease.expires_at = row.integer(10);
  lease.ttl_seconds = static_cast<int>(row.integer(11));
  lease.sequence = row.integer(12);
  lease.overage = row.integer(13) != 0;
  lease.ended_at = row.optional_integer(14);
  // An ended lease whose reason is unreadable still counts as ended.
  if (lease.ended_at) lease.end = session_end_named(row.text(15)).value_or(SessionEnd::expired);
  lease.borrowed = row.integer(16) != 0;
  return lease;
}

Result<std::vector<Lease>> read_all(Query& query) {
  std::vector<Lease> leases;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return leases;
    leases.push_back(read_lease(query));
  }
}

// The audit action of each way a lease ends.
std::string end_action(SessionEnd end) {
  switch (end) {
    case SessionEnd::released:
      return "lease.release";
    case SessionEnd::expired:
      return "lease.expire";
    case SessionEnd::forced:
      return "lease.force_release";
    case SessionEnd::user_disabled:
      return "lease.user_disabled";
    case SessionEnd::returned:
      return "lease.return";
    case SessionEnd::user_removed:
      return "lease.user_removed";
  }
  return "lease.end";
}

}  // namespace

nlohmann::json lease_audit_view(const Lease& lease) {
  nlohmann::json view = {
      {"license_id", lease.license_id}, {"seat", lease.seat},         {"user", lease.user},
      {"machine_id", lease.machine_id}, {"hostname", lease.hostname}, {"project", lease.project},
      {"expires_at", lease.expires_at}, {"overage", lease.overage}};
  if (lease.end) view["end"] = name_of(*lease.end);
  if (lease.borrowed) view["borrowed"] = true;
  return view;
}

Status insert_lease(Connection& db, const Lease& lease) {
  static const std::string text =
      std::string("INSERT INTO leases(") + kLeaseColumns +
      ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)";
  return db.query(text.c_str())
      .bind(1, lease.id)
      .bind(2, lease.license_id)
      .bind(3, lease.seat)
      .bind(4, lease.user)
      .bind(5, lease.machine_id)
      .bind(6, lease.hostname)
      .bind(7, lease.project)
      .bind(8, lease.device_public_key)
      .bind(9, lease.started_at)
      .bind(10, lease.last_seen_at)
      .bind(11, lease.expires_at)
      .bind(12, std::int64_t{lease.ttl_seconds})
      .bind(13, lease.sequence)
      .bind(14, std::int64_t{lease.overage ? 1 : 0})
      .bind(15, std::int64_t{lease.borrowed ? 1 : 0})
      .run();
}

Result<Lease> select_lease(Connection& db, std::string_view id) {
  static const std::string text =
      std::string("SELECT ") + kLeaseColumns + " FROM leases WHERE id = ?";
  Query query = db.query(text.c_str());
  query.bind(1, id);
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return make_error(ErrorCode::not_found, "leases has no row " + std::string(id));
  }
  return read_lease(query);
}

Result<std::vector<Lease>> select_held_leases(Connection& db, std::string_view license_id) {
  if (license_id.empty()) {
    static const std::string all = std::string("SELECT ") + kLeaseColumns +
                                   " FROM leases WHERE ended_at IS NULL ORDER BY started_at, id";
    Query query = db.query(all.c_str());
    return read_all(query);
  }
  static const std::string text =
      std::string("SELECT ") + kLeaseColumns +
      " FROM leases WHERE license_id = ? AND ended_at IS NULL ORDER BY started_at, id";
  Query query = db.query(text.c_str());
  query.bind(1, license_id);
  return read_all(query);
}

Status update_lease_renewal(Connection& db, const Lease& lease) {
  return db
      .query(
          "UPDATE leases SET last_seen_at = ?, expires_at = ?, sequence = ? "
          "WHERE id = ? AND ended_at IS NULL")
      .bind(1, lease.last_seen_at)
      .bind(2, lease.expires_at)
      .bind(3, lease.sequence)
      .bind(4, lease.id)
      .run();
}

Status update_lease_terms(Connection& db, const Lease& lease) {
  Status renewed = update_lease_renewal(db, lease);
  if (!renewed.ok()) return renewed;
  return db
      .query(
          "UPDATE leases SET hostname = ?, ttl_seconds = ?, borrowed = ? "
          "WHERE id = ? AND ended_at IS NULL")
      .bind(1, lease.hostname)
      .bind(2, std::int64_t{lease.ttl_seconds})
      .bind(3, std::int64_t{lease.borrowed ? 1 : 0})
      .bind(4, lease.id)
      .run();
}

Status end_held_lease(Connection& db, Lease& lease, SessionEnd end, UnixTime at,
                      const ChangedBy& by) {
  const nlohmann::json before = lease_audit_view(lease);
  lease.ended_at = at;
  lease.end = end;
  Status updated = db.query(
                         "UPDATE leases SET last_seen_at = ?, expires_at = ?, sequence = ?, "
                         "ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL")
                       .bind(1, lease.last_seen_at)
                       .bind(2, lease.expires_at)
                       .bind(3, lease.sequence)
                       .bind(4, at)
                       .bind(5, name_of(end))
                       .bind(6, lease.id)
                       .run();
  if (!updated.ok()) return updated;
  return record_change(db, by, end_action(end), lease.id, before, lease_audit_view(lease));
}

Result<std::vector<UsageSession>> select_sessions(Connection& db, std::string_view license_id,
                                                  UnixTime from, UnixTime to) {
  static const std::string text = std::string("SELECT ") + kLeaseColumns +
                                  " FROM leases WHERE license_id = ? AND started_at <= ? AND "
                                  "(ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id";
  Query query = db.query(text.c_str());
  query.bind(1, license_id).bind(2, to).bind(3, from);
  auto leases = read_all(query);
  if (!leases.ok()) return leases.error();
  std::vector<UsageSession> sessions;
  sessions.reserve(leases->size());
  for (const Lease& lease : *leases) {
    sessions.push_back(UsageSession{lease.id, lease.license_id, lease.seat, lease.user,
                                    lease.machine_id, lease.hostname, lease.project,
                                    lease.started_at, lease.ended_at, lease.end, lease.overage});
  }
  return sessions;
}

}  // namespace nodelock::server::sql
