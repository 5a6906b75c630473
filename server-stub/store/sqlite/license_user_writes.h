// License users as rows: adding, listing, removing, disabling and enabling
// them, and the checks a seat claim and a check-in make of the user they
// name, all inside the caller's write so counts and changes share one
// transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sqlite {

Status write_user_addition(Connection& db, const UserAddition& addition);
Result<std::vector<LicenseUser>> select_license_users(Connection& db, std::string_view license_id);
Result<UserChangeOutcome> write_user_change(Connection& db, const UserChange& change);
// The enabled users of `license_id` with a reserved seat, by address.
Result<std::vector<std::string>> select_reserved_users(Connection& db, std::string_view license_id);
// Every user of `license_id` with a reserved seat, disabled ones too, by
// address: the seats the license has promised.
Result<std::vector<std::string>> select_reservations(Connection& db, std::string_view license_id);

// Whether a claim naming `user` (empty: none) may hold a seat on `license`:
// on a license with users it must name one who is enabled. Checked before the
// machine's own seat is given back, so a disabled user's machine gets nothing.
Status admit_claim_user(Connection& db, const License& license, std::string_view user);
// Whether `user` may take one more seat on `license` within their maximum.
Status admit_user_seat(Connection& db, const License& license, std::string_view user);
// The refusal for a check-in of a freed seat whose user is disabled; ok otherwise.
Status refuse_disabled_user(Connection& db, const Activation& seat);

}  // namespace nodelock::server::sqlite
