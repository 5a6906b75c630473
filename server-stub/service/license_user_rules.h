// The rules on license users that the store runs inside its writes, and the
// messages people read when a user may not do something.
//
// Once a license has users, each claim must name one who is on it and
// enabled, and a user holds at most their own maximum of seats: the store
// reads the user and counts their seats inside the claim's transaction, and
// these rules judge what it read.
#pragma once

#include <string>
#include <string_view>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server {

// forbidden when the claim names no user on a license with users, or one not
// on it; user_disabled when the user is disabled.
[[nodiscard]] Status admit_claiming_user(const License& license, const ClaimingUser& claiming);
// activation_limit when `user` already holds their maximum of seats.
[[nodiscard]] Status admit_user_seat(const License& license, const LicenseUser& user);
// The message of a user_disabled refusal of a machine of `email`.
std::string user_disabled_message(std::string_view email, std::string_view license_id);
// The rule of a change of `kind`: conflict for removing a user who holds
// seats without `free_seats`, reserving one already reserved or unreserving
// one who is not.
[[nodiscard]] Status admit_user_change(UserChangeKind kind, bool free_seats,
                                       const LicenseUser& user);

// The messages of the store's not_found and already_exists for a user.
Error no_such_user(std::string_view license_id, std::string_view email);
Error user_exists(std::string_view license_id, std::string_view email);

}  // namespace nodelock::server
