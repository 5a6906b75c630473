#include "lease_output.h"

#include <iostream>

#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

constexpr std::int64_t kDay = 24 * 3600;

// What a LEASE and a BORROW both say of the seat.
template <class Seat>
nlohmann::json seat_json(const Seat& seat) {
  nlohmann::json out = {{"lease_id", seat.lease_id}, {"license_id", seat.license_id},
                        {"product", seat.product},   {"scope", seat_scope_name(seat.scope)},
                        {"seat", seat.seat},         {"machine_id", seat.machine_id},
                        {"features", seat.features}};
  if (seat.user) out["user"] = *seat.user;
  if (seat.project) out["project"] = *seat.project;
  return out;
}

}  // namespace

nlohmann::json held_json(const HeldLease& held) {
  nlohmann::json out = seat_json(held.lease);
  out["expires_at"] = held.expires_at;
  out["heartbeat_seconds"] = held.lease.heartbeat_seconds;
  out["overage"] = held.lease.overage;
  return out;
}

nlohmann::json borrow_json(const HeldBorrow& held) {
  nlohmann::json out = seat_json(held.borrow);
  out["issued_at"] = held.borrow.issued_at;
  out["expires_at"] = held.borrow.expires_at;
  return out;
}

void print_held(const HeldLease& held, std::string_view verb, std::int64_t now) {
  std::cout << verb << " lease " << held.lease.lease_id << " on " << held.lease.product << " (seat "
            << held.lease.seat << ")";
  if (held.lease.overage) std::cout << " on a grace seat, beyond the license's seats";
  std::cout << ".\nIt expires at " << utc_timestamp(held.expires_at) << " (in "
            << held.expires_at - now << " seconds) unless renewed; renew it every "
            << held.lease.heartbeat_seconds << " seconds with `nodelock lease heartbeat`.\n";
}

void print_borrow(const HeldBorrow& held, std::string_view verb, std::int64_t now) {
  const std::int64_t left = held.borrow.expires_at - now;
  std::cout << verb << " a floating seat of " << held.borrow.product << " for offline use (lease "
            << held.borrow.lease_id << ", seat " << held.borrow.seat << ") until "
            << utc_timestamp(held.borrow.expires_at) << " (" << left / kDay << " days "
            << left % kDay / 3600 << " hours from now).\nThe application runs on it without the "
            << "license server until then; give it back early with `nodelock lease return`.\n";
}

}  // namespace nodelock::cli
