#include "support_writes.h"

#include <utility>

#include "../audit_views.h"
#include "audit_records.h"
#include "license_user_writes.h"
#include "records.h"

namespace nodelock::server::sqlite {

Result<License> write_license_limit(Connection& db, const LimitChange& change) {
  auto license = select_license(db, change.license_id);
  if (!license.ok()) return license.error();
  if (change.admit) {
    auto reserved = select_reservations(db, license->id);
    if (!reserved.ok()) return reserved.error();
    Status admitted = change.admit(*license, *reserved);
    if (!admitted.ok()) return admitted.error();
  }
  Status updated = db.query("UPDATE licenses SET max_activations = ? WHERE id = ?")
                       .bind(1, std::int64_t{change.max_activations})
                       .bind(2, license->id)
                       .run();
  if (!updated.ok()) return updated.error();
  Status recorded = record_change(db, change.by, "license.limit", license->id,
                                  {{"max_activations", license->max_activations}},
                                  {{"max_activations", change.max_activations}});
  if (!recorded.ok()) return recorded.error();
  license->max_activations = change.max_activations;
  return std::move(*license);
}

Result<AdminToken> write_token_revocation(Connection& db, const TokenRevocation& revocation) {
  auto tokens = select_admin_tokens(db);
  if (!tokens.ok()) return tokens.error();
  int admins = 0;
  const AdminToken* revoked = nullptr;
  for (const AdminToken& token : *tokens) {
    if (token.role == AdminRole::admin) ++admins;
    if (token.id == revocation.token_id) revoked = &token;
  }
  if (revoked == nullptr) {
    return make_error(ErrorCode::not_found, "no admin token '" + revocation.token_id + "'");
  }
  if (revocation.admit) {
    Status admitted = revocation.admit(*revoked, admins);
    if (!admitted.ok()) return admitted.error();
  }
  Status deleted =
      db.query("DELETE FROM admin_tokens WHERE id = ?").bind(1, revocation.token_id).run();
  if (!deleted.ok()) return deleted.error();
  Status recorded =
      record_change(db, revocation.by, "token.revoke", revoked->id, audit_view(*revoked), nullptr);
  if (!recorded.ok()) return recorded.error();
  return *revoked;
}

Result<std::vector<AdminToken>> select_admin_tokens(Connection& db) {
  Query query =
      db.query("SELECT id, token_hash, role, created_at FROM admin_tokens ORDER BY created_at, id");
  std::vector<AdminToken> tokens;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return tokens;
    tokens.push_back(AdminToken{query.text(0), query.text(1),
                                admin_role_named(query.text(2)).value_or(AdminRole::viewer),
                                query.integer(3)});
  }
}

}  // namespace nodelock::server::sqlite
