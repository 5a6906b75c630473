// How floating seats are counted: which seat a lease request takes under the
// license's seat scope, and whether the license has one left for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/floating_policy.h"
#include "nodelock/server/lease_store.h"
#include "nodelock/server/seats_in_use.h"

namespace nodelock::server {

// What the request's seat is counted by: its user, its machine or its
// project. invalid_argument when the scope needs a user or project the
// request does not name.
[[nodiscard]] Result<std::string> seat_of(const FloatingPolicy& policy,
                                          const LeaseRequest& request);

// True when one of `held` is on `seat`.
bool holds_seat(const std::vector<Lease>& held, const std::string& seat);

// The lease among `held` that the holder of `wanted` already has: on the same
// seat, from the same device key and user, and online unless `wanted` is a
// borrow (a borrow converts an online lease). Null when there is none.
const Lease* own_lease(const Lease& wanted, const std::vector<Lease>& held);

// ok when the license lets a seat be borrowed for `days`: borrow_not_allowed
// when it allows no borrowing or fewer days (the message gives its maximum),
// invalid_argument for fewer than one day.
[[nodiscard]] Status check_borrow(const License& license, const FloatingPolicy& policy,
                                  std::int64_t days);

// When a seat borrowed at `now` for `days` ends: then, or at the license's
// own expiry when that comes first, so a borrowed seat never runs the
// software past the license's term. The errors of a license that admits no
// seat (suspended, revoked, expired), and borrow_not_allowed when it has
// expired and is only in its grace days.
[[nodiscard]] Result<UnixTime> borrow_end(const License& license, UnixTime now, std::int64_t days);

// Whether `wanted` (its seat set by seat_of) may be granted beside `held` to
// a request whose holder already has one of `held` (own_lease): that lease
// is reissued, on the seat and the grace status it has. Otherwise, whether
// it may be granted to
// a request with `queued_ahead` tickets of the seat queue before it
// (seat_queue.h), on a license whose `reserved` users have seats kept for
// them (reserved_seats.h): a seat already held is shared; a reserved user
// holding nothing takes their reserved seat; any other new seat is granted
// while seats remain beyond those held, those kept for reserved users and
// those the tickets ahead will take, then as overage while grace seats
// remain. A license with project tokens counts them instead
// (project_tokens.h). seats_exhausted otherwise, listing the holders and the
// reservations.
[[nodiscard]] Result<SeatDecision> decide_seat(const License& license, const FloatingPolicy& policy,
                                               const Lease& wanted, const std::vector<Lease>& held,
                                               const std::vector<std::string>& reserved,
                                               int queued_ahead, UnixTime now);

// Whether decide_seat's seats_exhausted for `wanted` beside `held` is one that
// the next seat to come free ends, so that waiting in the seat queue serves
// it. False for a second user of a project on a mono token while every team
// token is held: a free mono token would not admit them, and a ticket waiting
// at the head for a team token would hold up everyone behind it.
bool waits_for_any_seat(const FloatingPolicy& policy, const Lease& wanted,
                        const std::vector<Lease>& held);

// ", and 2 machines wait in the queue before this one" for a refusal with
// `queued_ahead` tickets ahead; empty for none.
std::string queued_text(int queued_ahead);

// What a refused client can do: ask a colleague, or wait for the stalest of
// `held` to expire (its seconds from `now`).
std::string free_seat_advice(const std::vector<Lease>& held, UnixTime now);

}  // namespace nodelock::server
