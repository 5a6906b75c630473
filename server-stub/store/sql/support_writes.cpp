#include "support_writes.h"

#include <utility>

#include "../audit_views.h"
#include "audit_records.h"
#include "license_user_writes.h"
#include "records.h"
#include "seat_refusals.h"

namespace nodelock::server::sql {

namespace {

// The seat a SeatReset names: by its id, or as the active seat of a machine.
Result<Activation> seat_to_reset(Connection& db, const SeatReset& reset) {
  std::string id = reset.activation_id;
  if (id.empty()) {
    auto seated = active_seat_of_machine(db, reset.license_id, reset.machine_id);
    if (!seated.ok()) return seated.error();
    if (!*seated) {
      return make_error(ErrorCode::not_found,
                        "no active seat of " + reset.machine_id + " on " + reset.license_id);
    }
    id = std::move(**seated);
  }
  auto seat = select_activation(db, id);
  if (!seat.ok() && seat.code() != ErrorCode::not_found) return seat;
  if (!reset.license_id.empty() && (!seat.ok() || seat->license_id != reset.license_id)) {
    return make_error(ErrorCode::not_found, "no activation " + id + " on " + reset.license_id);
  }
  return seat;
}

// Where each limit lives: its column, which is also its name in the audit
// entry, the action the entry records, and its field of License.
struct LimitPlace {
  const char* update;  // the statement that sets it
  const char* column;
  const char* action;
  int License::*field;
};

LimitPlace place_of(LicenseLimit limit) {
  switch (limit) {
    case LicenseLimit::self_service_releases_per_month:
      return {"UPDATE licenses SET self_service_releases_per_month = ? WHERE id = ?",
              "self_service_releases_per_month", "license.self_service",
              &License::self_service_releases_per_month};
    case LicenseLimit::max_activations:
      break;
  }
  return {"UPDATE licenses SET max_activations = ? WHERE id = ?", "max_activations",
          "license.limit", &License::max_activations};
}

}  // namespace

Result<Activation> write_seat_reset(Connection& db, const SeatReset& reset) {
  auto seat = seat_to_reset(db, reset);
  if (!seat.ok()) return seat.error();
  if (seat->state != ActivationState::active) {
    return refuse_seat(reset.refusal, ErrorCode::conflict, std::move(*seat));
  }
  auto license = select_license(db, seat->license_id);
  if (!license.ok()) return license.error();
  Admission admission;
  if (reset.admit) {
    auto freed_before = seats_freed_since(db, license->id, reset.ended_as, reset.counted_since);
    if (!freed_before.ok()) return freed_before.error();
    auto admitted = reset.admit(*license, *freed_before);
    if (!admitted.ok()) return admitted.error();
    admission = std::move(*admitted);
  }
  Status ended = end_seat(db, *seat, reset.ended_as);
  if (!ended.ok()) return ended.error();
  Status stamped = mark_seat_freed(db, seat->id, reset.ended_as, reset.by.at);
  if (!stamped.ok()) return stamped.error();
  const bool released = reset.ended_as == ActivationState::released;
  if (released) seat->released_at = reset.by.at;
  Status recorded =
      record_change(db, reset.by, released ? "activation.release" : "activation.reset", seat->id,
                    {{"status", name_of(ActivationState::active)}},
                    with_override({{"status", name_of(seat->state)}}, admission, reset.by));
  if (!recorded.ok()) return recorded.error();
  return std::move(*seat);
}

Result<License> write_license_limit(Connection& db, const LimitChange& change) {
  auto license = select_license(db, change.license_id);
  if (!license.ok()) return license.error();
  if (change.admit) {
    auto reserved = select_reservations(db, license->id);
    if (!reserved.ok()) return reserved.error();
    Status admitted = change.admit(*license, *reserved);
    if (!admitted.ok()) return admitted.error();
  }
  const LimitPlace place = place_of(change.limit);
  Status updated =
      db.query(place.update).bind(1, std::int64_t{change.value}).bind(2, license->id).run();
  if (!updated.ok()) return updated.error();
  int& value = (*license).*place.field;
  Status recorded = record_change(db, change.by, place.action, license->id, {{place.column, value}},
                                  {{place.column, change.value}});
  if (!recorded.ok()) return recorded.error();
  value = change.value;
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
    return make_error(ErrorCode::not_found, "admin_tokens has no row " + revocation.token_id);
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

}  // namespace nodelock::server::sql
