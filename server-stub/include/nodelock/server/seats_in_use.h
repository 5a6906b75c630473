// The one definition of a floating license's seats in use, which the seat
// rules, their refusals, the sessions listing, /metrics, alerts and reports
// all read: a seat is what the license's seat scope counts (a machine, a
// user or a project), and the leases on one seat hold it once. Grace seats
// in use are only the seats held beyond the license's seats, whichever
// leases were marked as overage when they were granted.
#pragma once

#include <string>
#include <vector>

#include "nodelock/server/lease_store.h"

namespace nodelock::server {

// One seat held and the leases that hold it, oldest first.
struct HeldSeat {
  std::string seat;
  std::vector<Lease> leases;
};

// The seats `held` (one license's leases) hold, in the order their first
// leases were taken.
std::vector<HeldSeat> held_seats(const std::vector<Lease>& held);

// How many seats `held` (one license's leases) hold.
int seats_in_use(const std::vector<Lease>& held);

// Sets each floating license's seats_used among `licenses` to the seats its
// leases in `held` hold; node-locked and site licenses keep the activations
// the store counts there. So `license show` and `license list` read the same
// count as /metrics and the refusals.
void count_leased_seats(std::vector<License>& licenses, const std::vector<Lease>& held);

// Of `in_use` seats on a license of `seats`, those held on grace seats.
int grace_seats_in_use(int in_use, int seats);

}  // namespace nodelock::server
