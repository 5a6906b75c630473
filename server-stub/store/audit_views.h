// What the audit log records of each kind of record: the fields people need to
// follow a change, and never a secret (key and token hashes stay out).
// Shared by every store implementation, so their logs read alike.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nodelock/audit/audit_chain.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

nlohmann::json audit_view(const Product& product);
nlohmann::json audit_view(const License& license);
nlohmann::json audit_view(const Activation& activation);
nlohmann::json audit_view(const AdminToken& token);
nlohmann::json audit_view(const LicenseUser& user);

// An entry for `action` on `subject` by `by`, with `before` and `after` in
// canonical form (null for nothing); the store appends it. malformed when a
// value has no canonical form.
[[nodiscard]] Result<AuditEntry> audit_entry(const ChangedBy& by, std::string action,
                                             std::string subject, const nlohmann::json& before,
                                             const nlohmann::json& after);

}  // namespace nodelock::server
