// The refusals of a write that names a seat it cannot take: the code, read
// from the seat as stored, and the message in the caller's words
// (SeatRefusal).
#pragma once

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// The refusal `code` of `seat`, worded by `wording`.
Error refuse_seat(const SeatRefusalWording& wording, ErrorCode code, Activation seat);

// The refusal of a check-in by `seat`, which is no longer active: the way it
// ended, or user_disabled when its user was disabled since.
Error refuse_ended_seat(Connection& db, const SeatRefusalWording& wording, Activation seat);

}  // namespace nodelock::server::sql
