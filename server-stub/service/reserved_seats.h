// Reserved seats: a floating seat kept free for a named user of the license,
// so that someone who must always get in (an administrator, the one person on
// call) is never refused because colleagues took every seat.
//
// A reservation is a promise about counting, not a lease: nothing is held
// until the user checks out. While a reserved user holds no lease, their seat
// is counted as taken for everyone else; the reserved user is admitted into it
// even when every other seat is held and machines wait in the seat queue. Once
// they hold a lease, that lease is their reserved seat and any further one of
// theirs (a second machine) is counted like anyone's. A disabled user's
// reservation keeps nothing free, since they could not take it.
#pragma once

#include <string>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/server/lease_store.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// Whether `email` may have a reserved seat on `license` beside the users
// already `reserved` there: conflict on a license that is not floating or
// counts seats by project (a reservation is for a person), and when every
// seat is already reserved (the message gives the numbers and the users).
[[nodiscard]] Status admit_reservation(const License& license,
                                       const std::vector<std::string>& reserved,
                                       const std::string& email);

// Whether `license` may keep `seats` seats with the users `reserved` on it
// (disabled ones too, whose reservations come back when they are enabled):
// conflict below the number of reservations, since the seats kept for them
// would then be more than the license has. The message names the users and
// how to release their reservations.
[[nodiscard]] Status admit_seat_limit(const License& license,
                                      const std::vector<std::string>& reserved, int seats);

// Whether a license made from an import file may keep a seat for each of its
// `reserved` users, as admit_reservation would for one added later; the
// message speaks of the file's record rather than of commands to run.
[[nodiscard]] Status admit_imported_reservations(const License& license,
                                                 const std::vector<std::string>& reserved);

// True when `user` is one of `reserved` and holds none of `held`: the seat
// kept for them is free, and theirs to take.
bool takes_reserved_seat(const std::string& user, const std::vector<std::string>& reserved,
                         const std::vector<Lease>& held);

// The reserved users who hold none of `held`: seats kept free for them.
int reservations_not_held(const std::vector<std::string>& reserved, const std::vector<Lease>& held);

// " 1 seat is reserved for a named user: anna@example.com (kept free for
// them)." for a refusal; empty without reservations.
std::string reservations_text(const std::vector<std::string>& reserved,
                              const std::vector<Lease>& held);

}  // namespace nodelock::server
