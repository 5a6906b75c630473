// Clone detection's rows: each seat's check-in history, judged and moved on
// inside the write of a check-in, and the mark left on a seat found checking
// in from two installations.
#pragma once

#include <string_view>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// Starts the seat's history afresh from the receipt given with its enrolment.
Status start_seat_history(Connection& db, std::string_view activation_id,
                          std::string_view receipt_hash);

// Runs `check_in.follow_history` (when set) on `seat` and records the history
// it returns. A `cloned` refusal marks the seat cloned the first time, with its
// audit entry, and is returned for the caller to commit.
Status follow_seat_history(Connection& db, const CheckIn& check_in, const Activation& seat);

}  // namespace nodelock::server::sql
