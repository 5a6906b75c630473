#include "reserved_seats.h"

#include <algorithm>

#include "license_rules.h"
#include "nodelock/server/floating_policy.h"

namespace nodelock::server {

namespace {

bool holds_a_lease(const std::string& user, const std::vector<Lease>& held) {
  return std::any_of(held.begin(), held.end(),
                     [&](const Lease& lease) { return lease.user == user; });
}

std::string seats_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " seat" : " seats");
}

// Whether `license` keeps reserved seats at all, for `email`.
Status reservable(const License& license, const std::string& email) {
  auto policy = floating_policy_of(license);
  if (!policy.ok()) {
    if (policy.code() != ErrorCode::invalid_argument) return policy.error();
    return make_error(ErrorCode::conflict,
                      "license " + key_display(license) +
                          " is not floating; a reserved seat keeps a floating seat free for its "
                          "user, and a node-locked license's seats are machines already held");
  }
  if (policy->scope == SeatScope::project) {
    return make_error(ErrorCode::conflict,
                      "license " + key_display(license) +
                          " counts its seats by project, not by person; a seat cannot be "
                          "reserved for user " +
                          email);
  }
  return {};
}

std::string users_text(const std::vector<std::string>& users) {
  std::string names;
  for (const std::string& user : users) names += (names.empty() ? "" : ", ") + user;
  return names;
}

}  // namespace

Status admit_reservation(const License& license, const std::vector<std::string>& reserved,
                         const std::string& email) {
  if (Status kept = reservable(license, email); !kept.ok()) return kept;
  const std::size_t seats = static_cast<std::size_t>(license.max_activations);
  if (reserved.size() < seats) return {};
  return make_error(ErrorCode::conflict,
                    "license " + key_display(license) + " has " + seats_text(seats) + " and " +
                        std::to_string(reserved.size()) + " of them are reserved already (for " +
                        users_text(reserved) + "); a seat cannot be reserved for " + email +
                        " too. Unreserve one (nodelock admin users unreserve) or raise the "
                        "license's seats");
}

Status admit_seat_limit(const License& license, const std::vector<std::string>& reserved,
                        int seats) {
  if (reserved.size() <= static_cast<std::size_t>(seats)) return {};
  return make_error(ErrorCode::conflict,
                    "license " + key_display(license) + " has " + seats_text(reserved.size()) +
                        " reserved for named users (" + users_text(reserved) +
                        "), so its seats cannot be " + "lowered to " + std::to_string(seats) +
                        ". Release " +
                        std::to_string(reserved.size() - static_cast<std::size_t>(seats)) +
                        " of the reservations first (nodelock admin users unreserve --license " +
                        license.id + " --email EMAIL), then set the limit again");
}

Status admit_imported_reservations(const License& license,
                                   const std::vector<std::string>& reserved) {
  if (reserved.empty()) return {};
  if (Status kept = reservable(license, reserved.front()); !kept.ok()) return kept;
  const std::size_t seats = static_cast<std::size_t>(license.max_activations);
  if (reserved.size() <= seats) return {};
  return make_error(ErrorCode::conflict,
                    "the record reserves a seat for " + std::to_string(reserved.size()) +
                        " users (" + users_text(reserved) + ") but its license has " +
                        seats_text(seats) +
                        "; at most one user per seat can be reserved: reserve fewer users or "
                        "give the license more seats");
}

bool takes_reserved_seat(const std::string& user, const std::vector<std::string>& reserved,
                         const std::vector<Lease>& held) {
  if (user.empty()) return false;
  return std::find(reserved.begin(), reserved.end(), user) != reserved.end() &&
         !holds_a_lease(user, held);
}

int reservations_not_held(const std::vector<std::string>& reserved,
                          const std::vector<Lease>& held) {
  return static_cast<int>(
      std::count_if(reserved.begin(), reserved.end(),
                    [&](const std::string& user) { return !holds_a_lease(user, held); }));
}

std::string reservations_text(const std::vector<std::string>& reserved,
                              const std::vector<Lease>& held) {
  if (reserved.empty()) return "";
  std::string text = " " + seats_text(reserved.size()) + (reserved.size() == 1 ? " is" : " are") +
                     " reserved for named users: ";
  for (std::size_t i = 0; i < reserved.size(); ++i) {
    text += (i == 0 ? "" : ", ") + reserved[i] +
            (holds_a_lease(reserved[i], held) ? " (in use)" : " (kept free for them)");
  }
  return text + ".";
}

}  // namespace nodelock::server
