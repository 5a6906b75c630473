#include "seat_transfer_rules.h"

#include <vector>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

// A limit of the license that holds a transfer back: the field that sets it
// and why, in words for people.
struct HeldBack {
  std::string limit;
  std::string why;
};

// Every limit that holds back support's transfer of a seat of `license` at
// `now`, the cool-down first; none when it may go. `transfers`: the license's
// transfers of the last 365 days, oldest first; `arrived_at`: when this seat
// itself was transferred here.
std::vector<HeldBack> held_back_by(const License& license, const std::vector<UnixTime>& transfers,
                                   std::optional<UnixTime> arrived_at, UnixTime now) {
  std::vector<HeldBack> held;
  const UnixTime cooldown = license.transfer_cooldown_days * kSecondsPerDay;
  if (arrived_at && *arrived_at + cooldown > now) {
    held.push_back({"transfer_cooldown_days",
                    "this seat was transferred here on " + utc_date(*arrived_at) +
                        ", and license " + key_display(license) + " lets a seat move again " +
                        std::to_string(license.transfer_cooldown_days) +
                        " days after its last transfer: on " + utc_date(*arrived_at + cooldown)});
  }
  if (license.max_transfers_per_year &&
      static_cast<int>(transfers.size()) >= *license.max_transfers_per_year) {
    held.push_back(
        {"max_transfers_per_year",
         allowance_used_up(license, "seat transfer", *license.max_transfers_per_year, transfers)});
  }
  return held;
}

}  // namespace

Result<Admission> admit_transfer(const TransferringSeat& transfer, std::string_view to_machine_id,
                                 bool override_limit, UnixTime now) {
  const Activation& seat = transfer.seat;
  const std::string to(to_machine_id);
  if (seat.machine_id == to_machine_id) {
    return make_error(ErrorCode::invalid_argument, "activation " + seat.id + " is already on " +
                                                       to + "; give the new machine's ID");
  }
  if (transfer.seated) {
    return make_error(ErrorCode::conflict,
                      to + " already holds a seat of this license (activation " + *transfer.seated +
                          "); it needs no transfer");
  }
  if (transfer.held) {
    return make_error(ErrorCode::conflict, "a seat is already held for " + to +
                                               " (transferred from activation " +
                                               transfer.held->from_activation_id + ") until " +
                                               utc_date(transfer.held->held_until));
  }
  if (!has_seat_limit(transfer.license)) {
    return make_error(ErrorCode::conflict,
                      "license " + key_display(transfer.license) +
                          " is a site license: any machine of the site activates by itself, "
                          "so there is no seat to move");
  }
  const std::vector<HeldBack> held =
      held_back_by(transfer.license, transfer.transfers, transfer.arrived_at, now);
  Admission admission;
  if (held.empty()) return admission;
  if (!override_limit) {
    return make_error(ErrorCode::forbidden,
                      held.front().why + "; an admin may transfer it anyway with --override");
  }
  for (const HeldBack& limit : held) admission.overridden_limits.push_back(limit.limit);
  return admission;
}

std::string transfer_refusal_message(const SeatRefusal& refusal, std::string_view to_machine_id) {
  const Activation& seat = refusal.seat;
  // A seat that was reset, reclaimed, released or deactivated is free already:
  // the new machine takes one by activating, and a transfer would hold a
  // second seat for it.
  std::string how;
  switch (seat.state) {
    case ActivationState::transferred:
      if (!seat.transferred_to) break;
      return "activation " + seat.id + " was already transferred to " +
             seat.transferred_to->to_machine_id + " on " +
             utc_date(seat.transferred_to->transferred_at);
    case ActivationState::reset:
      how = "was reset by support";
      break;
    case ActivationState::reclaimed:
      how = "was reclaimed by the server on " +
            utc_date(seat.reclaimed_at.value_or(seat.last_seen_at)) +
            " after its machine stopped checking in";
      break;
    case ActivationState::deactivated:
      how = "was deactivated on its machine";
      break;
    case ActivationState::released:
      how = "was released by the license holder on " +
            utc_date(seat.released_at.value_or(seat.last_seen_at));
      break;
    default:
      break;
  }
  if (how.empty()) {
    return "activation " + seat.id + " is " + std::string(name_of(seat.state)) +
           "; only an active seat can be transferred";
  }
  return "activation " + seat.id + " " + how +
         ", so its seat is already free and there is nothing to transfer; have the customer run "
         "`nodelock activate` with the license key on the new machine " +
         std::string(to_machine_id) + " instead";
}

}  // namespace nodelock::server
