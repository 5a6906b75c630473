// The audit log's rows: appending an entry to the chain inside the caller's
// write, and reading entries back.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "connection.h"
#include "nodelock/audit/audit_chain.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// Chains `entry` to the newest entry and inserts it, in the transaction of the
// write that calls it, so the entry commits or rolls back with its change.
Status append_audit_entry(Connection& db, AuditEntry entry);

// Records that `by` did `action` on `subject`: audit_entry() and append.
Status record_change(Connection& db, const ChangedBy& by, std::string action, std::string subject,
                     const nlohmann::json& before, const nlohmann::json& after);

// `after` with, when `admission` overrode a limit, an "override" member naming
// the limits set aside and who set them aside, so an exception made with
// --override never reads like an ordinary change.
nlohmann::json with_override(nlohmann::json after, const Admission& admission, const ChangedBy& by);

Result<std::vector<AuditEntry>> select_audit_entries(Connection& db, UnixTime from, UnixTime to);

}  // namespace nodelock::server::sql
