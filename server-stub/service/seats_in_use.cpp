#include "nodelock/server/seats_in_use.h"

#include <algorithm>
#include <iterator>

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

void count_leased_seats(std::vector<License>& licenses, const std::vector<Lease>& held) {
  for (License& license : licenses) {
    if (license.model != SeatModel::floating) continue;
    std::vector<Lease> own;
    std::copy_if(held.begin(), held.end(), std::back_inserter(own),
                 [&](const Lease& lease) { return lease.license_id == license.id; });
    license.seats_used = seats_in_use(own);
  }
}

int grace_seats_in_use(int in_use, int seats) { return std::max(0, in_use - seats); }

}  // namespace nodelock::server
