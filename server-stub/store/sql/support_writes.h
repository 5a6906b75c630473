// The writes support staff make: seat resets (and the license holder's own
// releases), license limits and admin token revocations, each with its audit
// entry, inside the caller's write.
#pragma once

#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// Store::reset_seat.
Result<Activation> write_seat_reset(Connection& db, const SeatReset& reset);
Result<License> write_license_limit(Connection& db, const LimitChange& change);
Result<AdminToken> write_token_revocation(Connection& db, const TokenRevocation& revocation);
Result<std::vector<AdminToken>> select_admin_tokens(Connection& db);

}  // namespace nodelock::server::sql
