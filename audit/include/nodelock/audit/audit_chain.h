// The audit log's hash chain: how an entry's hash is made, how entries travel
// as JSON, and how a chain is checked.
//
// Each entry's hash is the hex SHA-256 of the canonical JSON of its content
// (time, actor, action, subject, before, after) together with the previous
// entry's hash, so changing, removing or moving any entry breaks the link to
// the entries after it. The sequence number is not hashed: it is how the store
// orders entries, and a chain that no longer follows it has been reordered.
//
// Removing the newest entries leaves an intact but shorter chain; the store's
// sequence never reuses a number, so the next entry written shows the gap, and
// an operator who records the head hash somewhere else can compare it later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock {

// One entry of the append-only audit log. The store assigns the sequence and
// the hashes (below) when it appends the entry.
struct AuditEntry {
  std::int64_t sequence = 0;  // 1, 2, 3, ... in the order the changes were made
  std::int64_t at = 0;        // seconds since 1970-01-01 UTC
  std::string actor;          // an admin token id, or an actor the server names ("device", …)
  std::string action;         // e.g. "license.create", "activation.deactivate"
  std::string subject;        // the id of what changed
  std::string before;         // canonical JSON of what the change replaced; "null" when nothing
  std::string after;          // canonical JSON of what it made; "null" when nothing
  std::string previous_hash;  // the hash of the entry before; empty for the first
  std::string hash;
};

// The hash of `entry`: over its content and entry.previous_hash. malformed when
// `before` or `after` is not JSON.
[[nodiscard]] Result<std::string> audit_hash(const AuditEntry& entry);
// The same hash for an entry whose `before` and `after` are already canonical
// JSON (as audit_entry() makes them): nothing is parsed.
[[nodiscard]] Result<std::string> audit_hash_of_canonical(const AuditEntry& entry);

// How GET /v1/audit sends an entry, and how a client reads it back (malformed
// names the field that is missing or of the wrong type).
nlohmann::json to_json(const AuditEntry& entry);
[[nodiscard]] Result<AuditEntry> audit_entry_from_json(const nlohmann::json& json);

enum class AuditBreakKind { edited, deleted, reordered };

struct AuditBreak {
  std::int64_t sequence = 0;  // the first entry at which the chain does not hold
  AuditBreakKind kind = AuditBreakKind::edited;
  std::string message;  // for people: which entry, and what happened to it
};

struct AuditVerification {
  std::size_t entries = 0;
  std::string head_hash;  // the newest entry's hash; empty for an empty log
  std::optional<AuditBreak> broken;
};

// Recomputes the chain of `entries` (the whole log, oldest first) and names
// the first entry where it breaks.
[[nodiscard]] AuditVerification verify_audit_chain(const std::vector<AuditEntry>& entries);

std::string_view name_of(AuditBreakKind kind);

}  // namespace nodelock
