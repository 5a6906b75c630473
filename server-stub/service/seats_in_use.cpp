#include "nodelock/server/seats_in_use.h"

#include <algorithm>

namespace nodelock::server {

std::vector<HeldSeat> held_seats(const std::vector<Lease>& held) {
  std::vector<HeldSeat> seats;
  for (const Lease& lease : held) {
    const auto found = std::find_if(seats.begin(), seats.end(),
                                    [&](const HeldSeat& seat) { return seat.seat == lease.seat; });
    if (found != seats.end()) {
      found->leases.push_back(lease);
    } else {
      seats.push_back({lease.seat, {lease}});
    }
  }
  return seats;
}

int seats_in_use(const std::vector<Lease>& held) {
  return static_cast<int>(held_seats(held).size());
}

int grace_seats_in_use(int in_use, int seats) { return std::max(0, in_use - seats); }

}  // namespace nodelock::server
