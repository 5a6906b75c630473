// Seat claims as rows: a machine's own seat given back, or a new seat
// counted against the license's limit and the seats held for transferred
// machines, inside the caller's write so the count and the new seat share
// one transaction.
#pragma once

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

// Store::claim_seat inside the caller's write. On a full license `outcome` is
// not granted, `full` is set and the error returned rolls the write back, so
// the request's nonce is not spent.
Status write_seat_claim(Connection& db, const SeatClaim& claim, SeatClaimOutcome& outcome,
                        bool& full);

}  // namespace nodelock::server::sql
