#include "seat_refusals.h"

#include <string>
#include <utility>

#include "license_user_writes.h"
#include "seat_transfers.h"

namespace nodelock::server::sql {

namespace {

ErrorCode code_of_ending(ActivationState state) {
  switch (state) {
    case ActivationState::deactivated:
      return ErrorCode::not_activated;
    case ActivationState::reset:
      return ErrorCode::seat_reset;
    case ActivationState::reclaimed:
      return ErrorCode::seat_reclaimed;
    case ActivationState::released:
      return ErrorCode::seat_released;
    case ActivationState::transferred:
      return ErrorCode::seat_transferred;
    default:
      return ErrorCode::revoked;
  }
}

}  // namespace

Error refuse_seat(const SeatRefusalWording& wording, ErrorCode code, Activation seat) {
  if (!wording) return make_error(code, std::string(code_name(code)));
  return make_error(code, wording(SeatRefusal{code, std::move(seat)}));
}

Error refuse_ended_seat(Connection& db, const SeatRefusalWording& wording, Activation seat) {
  if (seat.state == ActivationState::transferred) {
    auto transfer = transfer_of(db, seat);
    if (transfer.ok()) seat.transferred_to = std::move(*transfer);
  } else {
    auto disabled = seat_user_disabled(db, seat);
    if (!disabled.ok()) return disabled.error();
    if (*disabled) return refuse_seat(wording, ErrorCode::user_disabled, std::move(seat));
  }
  const ErrorCode code = code_of_ending(seat.state);
  return refuse_seat(wording, code, std::move(seat));
}

}  // namespace nodelock::server::sql
