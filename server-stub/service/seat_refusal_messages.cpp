#include "seat_refusal_messages.h"

#include "license_user_rules.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

std::string reclaimed(const Activation& seat) {
  const UnixTime at = seat.reclaimed_at.value_or(seat.last_seen_at);
  return "this machine's activation " + seat.id + " had no check-in for " +
         duration_text(at - seat.last_seen_at) + " (last on " + utc_timestamp(seat.last_seen_at) +
         "), so the server freed its seat automatically on " + utc_timestamp(at) +
         " for another machine; run `nodelock activate` again to take a seat if one is free";
}

std::string transferred(const Activation& seat) {
  const std::string where = seat.transferred_to
                                ? " to the machine " + seat.transferred_to->to_machine_id + " on " +
                                      utc_date(seat.transferred_to->transferred_at)
                                : std::string(" to another machine");
  return "support moved this machine's activation " + seat.id + where +
         ", so this machine no longer checks in; contact support to use the license here again";
}

}  // namespace

std::string seat_refusal_message(const SeatRefusal& refusal) {
  const Activation& seat = refusal.seat;
  switch (refusal.code) {
    case ErrorCode::machine_mismatch:
      return "activation " + seat.id +
             " belongs to another device key; it was re-enrolled from another installation of "
             "this machine or the request is not from its holder";
    case ErrorCode::conflict:
      return "activation " + seat.id + " is already " + std::string(name_of(seat.state)) +
             "; its seat is free";
    case ErrorCode::user_disabled:
      return user_disabled_message(seat.user, seat.license_id);
    case ErrorCode::not_activated:
      return "this machine's activation " + seat.id +
             " was deactivated; activate the machine again";
    case ErrorCode::seat_reset:
      return "support reset this machine's activation " + seat.id +
             " and gave its seat to another machine; contact support to use the license here "
             "again";
    case ErrorCode::seat_reclaimed:
      return reclaimed(seat);
    case ErrorCode::seat_released:
      return "the license holder released this machine's activation " + seat.id + " on " +
             utc_date(seat.released_at.value_or(seat.last_seen_at)) +
             " with `nodelock release-device`, so another machine could take its seat; if this "
             "machine should still run, activate it again while a seat is free";
    case ErrorCode::seat_transferred:
      return transferred(seat);
    default:
      return "this machine's activation was revoked by the vendor; contact support";
  }
}

}  // namespace nodelock::server
