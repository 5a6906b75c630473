// License users as rows: adding, listing, removing, disabling and enabling
// them, and reading the user a seat claim or a check-in names, all inside the
// caller's write so counts and changes share one transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

Status write_user_addition(Connection& db, const UserAddition& addition);
Result<std::vector<LicenseUser>> select_license_users(Connection& db, std::string_view license_id);
Result<UserChangeOutcome> write_user_change(Connection& db, const UserChange& change);
// The enabled users of `license_id` with a reserved seat, by address.
Result<std::vector<std::string>> select_reserved_users(Connection& db, std::string_view license_id);
// Every user of `license_id` with a reserved seat, disabled ones too, by
// address: the seats the license has promised.
Result<std::vector<std::string>> select_reservations(Connection& db, std::string_view license_id);

// The user a claim or check-out naming `email` (empty: none) finds on the
// license, for the service's rules; read inside the caller's write.
Result<ClaimingUser> select_claiming_user(Connection& db, std::string_view license_id,
                                          std::string_view email);
// Whether the user `seat` was activated for is disabled.
Result<bool> seat_user_disabled(Connection& db, const Activation& seat);

}  // namespace nodelock::server::sql
