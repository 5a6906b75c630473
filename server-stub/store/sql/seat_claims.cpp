#include "seat_claims.h"

#include <utility>

#include "../audit_views.h"
#include "audit_records.h"
#include "license_user_writes.h"
#include "records.h"
#include "seat_history.h"
#include "seat_transfers.h"

namespace nodelock::server::sql {

namespace {

constexpr UnixTime kSecondsPerDay = 86400;

}  // namespace

Status write_seat_claim(Connection& db, const SeatClaim& claim, SeatClaimOutcome& outcome,
                        bool& full) {
  Status fresh = insert_nonce(db, claim.nonce, claim.now);
  if (!fresh.ok()) return fresh;
  auto license = select_license(db, claim.license_id);
  if (!license.ok()) return license.error();
  if (license->term == Term::trial && !license->expires_at) {
    license->expires_at = claim.now + license->trial_days * kSecondsPerDay;
    Status started = update_license_expiry(db, license->id, *license->expires_at);
    if (!started.ok()) return started;
  }
  if (claim.admit) {
    Status admitted = claim.admit(*license);
    if (!admitted.ok()) return admitted;
  }
  auto claiming = select_claiming_user(db, license->id, claim.enrolment.user);
  if (!claiming.ok()) return claiming.error();
  if (claim.admit_user) {
    Status admitted = claim.admit_user(*license, *claiming);
    if (!admitted.ok()) return admitted;
  }
  outcome.license = *license;
  outcome.used = license->seats_used;
  auto candidates = select_seats_sharing_keys(db, claim.license_id, claim.machine_keys);
  if (!candidates.ok()) return candidates.error();
  const ChangedBy device{claim.actor, claim.now};
  for (Activation& seat : *candidates) {
    if (!claim.same_machine || !claim.same_machine(seat)) continue;
    const nlohmann::json before = audit_view(seat);
    seat.machine_id = claim.enrolment.machine_id;
    seat.fingerprint = claim.enrolment.fingerprint;
    seat.device_public_key = claim.enrolment.device_public_key;
    seat.hostname = claim.enrolment.hostname;
    seat.environment = claim.enrolment.environment;
    seat.dongle = claim.enrolment.dongle;
    seat.last_seen_at = claim.now;
    seat.request_nonce = claim.nonce;
    outcome.granted = outcome.existing = true;
    outcome.activation = std::move(seat);
    Status updated = update_activation(db, outcome.activation);
    if (!updated.ok()) return updated;
    Status rekeyed = replace_seat_keys(db, outcome.activation, claim.machine_keys);
    if (!rekeyed.ok()) return rekeyed;
    Status restarted = start_seat_history(db, outcome.activation.id, claim.receipt_hash);
    if (!restarted.ok()) return restarted;
    return record_change(db, device, "activation.reenrol", outcome.activation.id, before,
                         audit_view(outcome.activation));
  }
  auto held = held_seats(db, claim.license_id, claim.enrolment.machine_id, claim.now);
  if (!held.ok()) return held.error();
  outcome.held = held->for_others;
  if (!held->own && has_seat_limit(*license) &&
      outcome.used + held->for_others >= license->max_activations) {
    // Rolls the spent nonce back; the outcome tells the caller.
    full = true;
    return make_error(ErrorCode::activation_limit, {});
  }
  if (claim.admit_user_seat && claiming->user) {
    Status within = claim.admit_user_seat(*license, *claiming->user);
    if (!within.ok()) return within;
  }
  Activation seat = claim.enrolment;
  seat.license_id = claim.license_id;
  seat.state = ActivationState::active;
  seat.activated_at = seat.last_seen_at = claim.now;
  seat.request_nonce = claim.nonce;
  Status inserted = insert_activation(db, seat, claim.machine_keys);
  if (!inserted.ok()) return inserted;
  Status started = start_seat_history(db, seat.id, claim.receipt_hash);
  if (!started.ok()) return started;
  Status counted = change_seats_used(db, seat.license_id, +1);
  if (!counted.ok()) return counted;
  nlohmann::json created = audit_view(seat);
  if (held->own) {
    Status taken = take_held_seat(db, *held->own, seat.id);
    if (!taken.ok()) return taken;
    created.emplace("transferred_from", held->own->from_activation_id);
  }
  Status recorded = record_change(db, device, "activation.create", seat.id, nullptr, created);
  if (!recorded.ok()) return recorded;
  outcome.granted = true;
  outcome.used += 1;
  outcome.license.seats_used = outcome.used;
  outcome.activation = std::move(seat);
  return {};
}

}  // namespace nodelock::server::sql
