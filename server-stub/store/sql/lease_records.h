// The leases table as rows: the one place that knows which column holds which
// field of a lease, and how a lease's end is written and audited.
#pragma once

#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/lease_store.h"

namespace nodelock::server::sql {

Status insert_lease(Connection& db, const Lease& lease);
// not_found when absent.
Result<Lease> select_lease(Connection& db, std::string_view id);
// Leases not yet ended, oldest first: one license's, or every license's when
// `license_id` is empty.
Result<std::vector<Lease>> select_held_leases(Connection& db, std::string_view license_id);
// Writes the renewal state of a lease still held.
Status update_lease_renewal(Connection& db, const Lease& lease);
// Writes what a reissue changes of a lease still held: its hostname, last
// seen time, expiry, TTL and kind, with the sequence its renewals reached.
Status update_lease_terms(Connection& db, const Lease& lease);
// Ends `lease` at `at` for `end` and records it as done by `by`.
Status end_held_lease(Connection& db, Lease& lease, SessionEnd end, UnixTime at,
                      const ChangedBy& by);
Result<std::vector<UsageSession>> select_sessions(Connection& db, std::string_view license_id,
                                                  UnixTime from, UnixTime to);

// What the audit log records of a lease.
nlohmann::json lease_audit_view(const Lease& lease);

}  // namespace nodelock::server::sql
