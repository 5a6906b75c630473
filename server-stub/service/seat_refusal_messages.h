// What people read when the store refuses a write on a seat (SeatRefusal):
// what happened to the seat, and what to do.
#pragma once

#include <string>

#include "nodelock/server/store_writes.h"

namespace nodelock::server {

std::string seat_refusal_message(const SeatRefusal& refusal);

}  // namespace nodelock::server
