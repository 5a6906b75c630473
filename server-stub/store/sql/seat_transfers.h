// Seat transfers as rows: moving a seat from a replaced machine to the one
// that replaces it, the seats held for such machines that every claim must
// respect, and the transfers support reads beside a license's activations.
// Each runs inside the caller's write or read.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// Ends the seat as transferred and holds it for the new machine, with its
// audit entry (Store::transfer_seat).
Result<SeatTransfer> write_seat_transfer(Connection& db, const SeatTransferOrder& order);

// The seats of a license held at `now` as a claim by `machine_id` sees them:
// the one held for that machine, if any, and how many are held for others.
struct HeldSeats {
  std::optional<SeatTransfer> own;
  int for_others = 0;
};
Result<HeldSeats> held_seats(Connection& db, std::string_view license_id,
                             std::string_view machine_id, UnixTime now);

// Records that the activation `taken_by` took the seat `transfer` held.
Status take_held_seat(Connection& db, const SeatTransfer& transfer, std::string_view taken_by);

// The transfer that ended `seat`. not_found.
Result<SeatTransfer> transfer_of(Connection& db, const Activation& seat);

// Fills the transferred_to and transferred_from of `activations` (a page).
Status attach_transfers(Connection& db, std::vector<Activation>& activations);

}  // namespace nodelock::server::sql
