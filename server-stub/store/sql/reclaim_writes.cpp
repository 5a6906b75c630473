#include "reclaim_writes.h"

#include <string>
#include <utility>

#include "audit_records.h"
#include "records.h"

namespace nodelock::server::sql {

namespace {

nlohmann::json threshold_json(const std::optional<std::int64_t>& seconds) {
  return seconds ? nlohmann::json(*seconds) : nlohmann::json(nullptr);
}

}  // namespace

Result<License> write_reclaim_policy(Connection& db, const ReclaimPolicyChange& change) {
  auto license = select_license(db, change.license_id);
  if (!license.ok()) return license.error();
  if (change.admit) {
    Status admitted = change.admit(*license);
    if (!admitted.ok()) return admitted.error();
  }
  Status updated = db.query("UPDATE licenses SET reclaim_after_seconds = ? WHERE id = ?")
                       .bind(1, change.reclaim_after_seconds)
                       .bind(2, license->id)
                       .run();
  if (!updated.ok()) return updated.error();
  Status recorded =
      record_change(db, change.by, "license.reclaim", license->id,
                    {{"reclaim_after_seconds", threshold_json(license->reclaim_after_seconds)}},
                    {{"reclaim_after_seconds", threshold_json(change.reclaim_after_seconds)}});
  if (!recorded.ok()) return recorded.error();
  license->reclaim_after_seconds = change.reclaim_after_seconds;
  return std::move(*license);
}

Result<std::vector<std::string>> select_idle_seats(Connection& db, std::string_view license_id,
                                                   UnixTime seen_before, int limit) {
  Query query = db.query(
      "SELECT id FROM activations WHERE license_id = ? AND status = 'active' AND "
      "mode = 'online' AND last_seen_at < ? ORDER BY last_seen_at, id LIMIT ?");
  query.bind(1, license_id).bind(2, seen_before).bind(3, std::int64_t{limit});
  std::vector<std::string> ids;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return ids;
    ids.push_back(query.text(0));
  }
}

Result<std::vector<Activation>> write_seat_reclamation(Connection& db,
                                                       const SeatReclamation& reclamation) {
  std::vector<Activation> freed;
  auto license = select_license(db, reclamation.license_id);
  if (!license.ok()) return license.error();
  if (license->state != LicenseState::active || license->model != SeatModel::node_locked ||
      !license->reclaim_after_seconds) {
    return freed;
  }
  const std::int64_t threshold = *license->reclaim_after_seconds;
  const ChangedBy server{std::string(kServerActor), reclamation.now};
  for (const std::string& id : reclamation.activation_ids) {
    auto seat = select_activation(db, id);
    if (!seat.ok()) return seat.error();
    // Re-read under the write lock: a check-in since the sweep read the
    // candidates moved last_seen_at, and that machine keeps its seat. An
    // air-gapped machine never checks in, so its silence says nothing.
    if (seat->license_id != license->id || seat->state != ActivationState::active ||
        seat->mode != "online" || reclamation.now - seat->last_seen_at <= threshold) {
      continue;
    }
    seat->reclaimed_at = reclamation.now;
    Status ended = end_seat(db, *seat, ActivationState::reclaimed);
    if (!ended.ok()) return ended.error();
    Status stamped = db.query("UPDATE activations SET reclaimed_at = ? WHERE id = ?")
                         .bind(1, reclamation.now)
                         .bind(2, seat->id)
                         .run();
    if (!stamped.ok()) return stamped.error();
    nlohmann::json after = {{"status", name_of(seat->state)},
                            {"reclaim_after_seconds", threshold},
                            {"idle_seconds", reclamation.now - seat->last_seen_at}};
    if (!seat->user.empty()) after["user"] = seat->user;
    Status recorded = record_change(
        db, server, "activation.reclaim", seat->id,
        {{"status", name_of(ActivationState::active)}, {"last_seen_at", seat->last_seen_at}},
        after);
    if (!recorded.ok()) return recorded.error();
    freed.push_back(std::move(*seat));
  }
  return freed;
}

}  // namespace nodelock::server::sql
