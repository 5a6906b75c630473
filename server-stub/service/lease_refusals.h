// What people read when the lease store refuses a call on a lease. The store
// answers with the code alone; the lease as stored says the rest, and an
// ended lease never changes again, so reading it after the refusal tells
// what the store saw.
#pragma once

#include <string_view>

#include "nodelock/crypto/result.h"
#include "nodelock/server/lease_store.h"

namespace nodelock::server {

Error no_such_lease(std::string_view lease_id);

// The refusal of `renewal` (a heartbeat), in words.
Error renewal_refusal(LeaseStore& leases, const Error& refused, const LeaseRenewal& renewal);
// The refusal of `ending` (a release, a return, a forced end), in words.
Error ending_refusal(LeaseStore& leases, const Error& refused, const LeaseEnding& ending);

}  // namespace nodelock::server
