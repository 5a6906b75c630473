#include "seat_rules.h"

#include <algorithm>

#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"
#include "project_tokens.h"
#include "reserved_seats.h"

namespace nodelock::server {

namespace {

// A refusal names this many holders; a support engineer sees the rest in
// `nodelock admin sessions`.
constexpr std::size_t kHoldersNamed = 20;

// A seat's holder, named once however many leases hold the seat.
std::string holder_line(const HeldSeat& seat) {
  const Lease& lease = seat.leases.front();
  std::string line = lease.user.empty() ? "someone" : lease.user;
  line += " on " + lease.machine_id;
  if (!lease.hostname.empty()) line += " (" + lease.hostname + ")";
  if (!lease.project.empty()) line += " for project " + lease.project;
  if (seat.leases.size() > 1) {
    line += " and " + plural(static_cast<int>(seat.leases.size() - 1), "more lease") +
            " on the same seat";
  }
  line += " since " + utc_timestamp(lease.started_at);
  line += lease.borrowed ? ", borrowed offline until " + utc_timestamp(lease.expires_at)
                         : ", last seen " + utc_timestamp(lease.last_seen_at);
  return line;
}

// "3 seats and 1 grace seat, all 4 in use", or how many are in use when
// reservations or the queue take the rest.
std::string capacity_text(const License& license, const FloatingPolicy& policy, int used) {
  std::string text = plural(license.max_activations, "seat");
  if (policy.grace_seats > 0) text += " and " + plural(policy.grace_seats, "grace seat");
  const int total = license.max_activations + policy.grace_seats;
  if (used < total) return text + ", " + std::to_string(used) + " in use";
  return text + (total == 1 ? ", in use" : ", all " + std::to_string(total) + " in use");
}

Error no_seat_left(const License& license, const FloatingPolicy& policy,
                   const std::vector<Lease>& held, const std::vector<std::string>& reserved,
                   int queued_ahead, UnixTime now) {
  const std::vector<HeldSeat> seats = held_seats(held);
  std::string message = "No floating seats available on license " + key_display(license) + ": " +
                        capacity_text(license, policy, static_cast<int>(seats.size())) +
                        queued_text(queued_ahead) + ". Held by: ";
  for (std::size_t i = 0; i < seats.size() && i < kHoldersNamed; ++i) {
    message += (i == 0 ? "" : "; ") + holder_line(seats[i]);
  }
  if (seats.size() > kHoldersNamed) {
    message += "; and " + plural(static_cast<int>(seats.size() - kHoldersNamed), "more seat");
  }
  message += "." + reservations_text(reserved, held) + " " + free_seat_advice(held, now);
  return make_error(ErrorCode::seats_exhausted, message);
}

}  // namespace

std::string queued_text(int queued_ahead) {
  if (queued_ahead <= 0) return "";
  return ", and " + std::to_string(queued_ahead) +
         (queued_ahead == 1 ? " machine waits" : " machines wait") +
         " in the queue before this one";
}

std::string free_seat_advice(const std::vector<Lease>& held, UnixTime now) {
  // A borrowed seat comes back only at its expiry or its return, so only the
  // online leases tell when a silent holder's seat frees up.
  const Lease* soonest = nullptr;
  for (const Lease& lease : held) {
    if (!lease.borrowed && (soonest == nullptr || lease.expires_at < soonest->expires_at)) {
      soonest = &lease;
    }
  }
  std::string advice = "Ask a colleague to close the application";
  if (soonest != nullptr) {
    advice += ", or wait: a seat that stopped sending heartbeats is freed within " +
              std::to_string(std::max<UnixTime>(0, soonest->expires_at - now)) + " seconds";
  }
  return advice + ".";
}

Result<std::string> seat_of(const FloatingPolicy& policy, const LeaseRequest& request) {
  switch (policy.scope) {
    case SeatScope::user:
      if (request.user) return *request.user;
      return make_error(ErrorCode::invalid_argument,
                        "this license counts one seat per person; check out with --user EMAIL");
    case SeatScope::project:
      if (request.project && !request.project->empty()) return *request.project;
      return make_error(ErrorCode::invalid_argument,
                        "this license counts one seat per project; check out with --project NAME");
    case SeatScope::device:
      break;
  }
  return request.machine_id;
}

Status check_borrow(const License& license, const FloatingPolicy& policy, std::int64_t days) {
  if (days < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "a seat is borrowed for 1 day or more, not " + std::to_string(days));
  }
  if (policy.max_borrow_days == 0) {
    return make_error(ErrorCode::borrow_not_allowed,
                      "license " + key_display(license) +
                          " does not allow borrowing seats for offline use; check a seat out "
                          "online with `nodelock lease checkout`, or ask the vendor for a "
                          "license with borrowing");
  }
  if (days > policy.max_borrow_days) {
    return make_error(ErrorCode::borrow_not_allowed,
                      "license " + key_display(license) + " allows borrowing a seat for at most " +
                          std::to_string(policy.max_borrow_days) + " days, not " +
                          std::to_string(days) + "; borrow again with --days " +
                          std::to_string(policy.max_borrow_days) + " or fewer");
  }
  return {};
}

Result<UnixTime> borrow_end(const License& license, UnixTime now, std::int64_t days) {
  if (Status admitted = admit(license, now); !admitted.ok()) return admitted.error();
  const UnixTime asked = now + days * kSecondsPerDay;
  if (!license.expires_at || asked <= *license.expires_at) return asked;
  if (*license.expires_at <= now) {
    return make_error(ErrorCode::borrow_not_allowed,
                      "license " + key_display(license) + " expired on " +
                          utc_date(*license.expires_at) +
                          " and runs only on its grace days, which a borrowed seat cannot "
                          "outlast; check a seat out online with `nodelock lease checkout`, or "
                          "renew the license");
  }
  return *license.expires_at;
}

bool holds_seat(const std::vector<Lease>& held, const std::string& seat) {
  return std::any_of(held.begin(), held.end(),
                     [&](const Lease& lease) { return lease.seat == seat; });
}

const Lease* own_lease(const Lease& wanted, const std::vector<Lease>& held) {
  // An online check-out cannot take back a borrowed seat: that would cut the
  // offline BORROW the machine holds short of the days it was given.
  const auto own = std::find_if(held.begin(), held.end(), [&](const Lease& lease) {
    return lease.seat == wanted.seat && lease.device_public_key == wanted.device_public_key &&
           lease.user == wanted.user && (wanted.borrowed || !lease.borrowed);
  });
  return own == held.end() ? nullptr : &*own;
}

Result<SeatDecision> decide_seat(const License& license, const FloatingPolicy& policy,
                                 const Lease& wanted, const std::vector<Lease>& held,
                                 const std::vector<std::string>& reserved, int queued_ahead,
                                 UnixTime now) {
  if (Status admitted = admit(license, now); !admitted.ok()) return admitted.error();
  if (const Lease* own = own_lease(wanted, held)) return SeatDecision{own->overage, own->id};
  if (policy.scope == SeatScope::project && policy.project_tokens) {
    return decide_project_token(license, policy, *policy.project_tokens, wanted, held, queued_ahead,
                                now);
  }
  const auto sharing = std::find_if(held.begin(), held.end(),
                                    [&](const Lease& lease) { return lease.seat == wanted.seat; });
  if (sharing != held.end()) return SeatDecision{sharing->overage, std::nullopt};
  // Ahead of the queue and of every other seat: this one was kept for them.
  if (takes_reserved_seat(wanted.user, reserved, held)) return SeatDecision{false, std::nullopt};
  const int used = seats_in_use(held);
  const int taken = used + reservations_not_held(reserved, held) + queued_ahead;
  if (taken < license.max_activations) return SeatDecision{false, std::nullopt};
  if (taken < license.max_activations + policy.grace_seats) return SeatDecision{true, std::nullopt};
  return no_seat_left(license, policy, held, reserved, queued_ahead, now);
}

bool waits_for_any_seat(const FloatingPolicy& policy, const Lease& wanted,
                        const std::vector<Lease>& held) {
  if (policy.scope != SeatScope::project || !policy.project_tokens) return true;
  return !needs_a_held_team_token(*policy.project_tokens, wanted, held);
}

}  // namespace nodelock::server
