// How floating seats are counted: which seat a lease request takes under the
// license's seat scope, and whether the license has one left for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nodelock/activation/payloads.h"
#include "nodelock/activation/result.h"
#include "nodelock/server/floating_policy.h"
#include "nodelock/server/lease_store.h"

namespace nodelock::server {

// What the request's seat is counted by: its user, its machine or its
// project. invalid_argument when the scope needs a user or project the
// request does not name.
[[nodiscard]] Result<std::string> seat_of(const FloatingPolicy& policy,
                                          const LeaseRequest& request);

// True when one of `held` is on `seat`.
bool holds_seat(const std::vector<Lease>& held, const std::string& seat);

// Seats held: leases sharing a seat count once.
int seats_in_use(const std::vector<Lease>& held);

// ok when the license lets a seat be borrowed for `days`: borrow_not_allowed
// when it allows no borrowing or fewer days (the message gives its maximum),
// invalid_argument for fewer than one day.
[[nodiscard]] Status check_borrow(const License& license, const FloatingPolicy& policy,
                                  std::int64_t days);

// Whether `wanted` (its seat set by seat_of) may be granted beside `held`: a
// seat already held is shared; a new one is granted while seats remain, then
// as overage while grace seats remain. A license with project tokens counts
// them instead (project_tokens.h). seats_exhausted otherwise, listing the
// holders.
[[nodiscard]] Result<SeatDecision> decide_seat(const License& license, const FloatingPolicy& policy,
                                               const Lease& wanted, const std::vector<Lease>& held,
                                               UnixTime now);

// What a refused client can do: ask a colleague, or wait for the stalest of
// `held` to expire (its seconds from `now`).
std::string free_seat_advice(const std::vector<Lease>& held, UnixTime now);

}  // namespace nodelock::server
