// Seat reclamation as rows: a license's reclaim threshold, the idle seats a
// sweep considers, and freeing those still idle inside the caller's write, so
// the comparison with the last check-in and the change share one transaction.
#pragma once

#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

Result<License> write_reclaim_policy(Connection& db, const ReclaimPolicyChange& change);
Result<std::vector<std::string>> select_idle_seats(Connection& db, std::string_view license_id,
                                                   UnixTime seen_before, int limit);
Result<std::vector<Activation>> write_seat_reclamation(Connection& db,
                                                       const SeatReclamation& reclamation);

}  // namespace nodelock::server::sql
