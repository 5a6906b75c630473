#include "license_user_rules.h"

namespace nodelock::server {

Status admit_claiming_user(const License& license, const ClaimingUser& claiming) {
  if (claiming.email.empty()) {
    if (!claiming.license_has_users) return {};
    return make_error(
        ErrorCode::forbidden,
        "license " + license.id + " admits only its named users; activate with --user YOUR_EMAIL");
  }
  if (!claiming.user) {
    return make_error(ErrorCode::forbidden, "user " + claiming.email + " is not on license " +
                                                license.id + "; ask your administrator to add you");
  }
  if (claiming.user->disabled) {
    return make_error(ErrorCode::user_disabled, user_disabled_message(claiming.email, license.id));
  }
  return {};
}

Status admit_user_seat(const License& license, const LicenseUser& user) {
  if (!user.max_activations || user.seats_used < *user.max_activations) return {};
  return make_error(ErrorCode::activation_limit,
                    "user " + user.email + " already uses " + std::to_string(user.seats_used) +
                        " of their " + std::to_string(*user.max_activations) +
                        " activations on license " + license.id +
                        "; deactivate one of their machines or ask your administrator to raise "
                        "their limit");
}

std::string user_disabled_message(std::string_view email, std::string_view license_id) {
  return "user " + std::string(email) + " was disabled on license " + std::string(license_id) +
         " and their machines' seats were freed; contact your administrator";
}

Status admit_user_change(UserChangeKind kind, bool free_seats, const LicenseUser& user) {
  if (kind == UserChangeKind::remove && user.seats_used > 0 && !free_seats) {
    return make_error(ErrorCode::conflict,
                      "user " + user.email + " holds " + std::to_string(user.seats_used) +
                          " seats on license " + user.license_id +
                          "; disable the user first, or remove with --free-seats");
  }
  const bool reserving = kind == UserChangeKind::reserve;
  if ((reserving || kind == UserChangeKind::unreserve) && user.reserved == reserving) {
    return make_error(ErrorCode::conflict, "user " + user.email +
                                               (reserving ? " already has" : " has no") +
                                               " reserved seat on license " + user.license_id);
  }
  return {};
}

Error no_such_user(std::string_view license_id, std::string_view email) {
  return make_error(ErrorCode::not_found,
                    "license " + std::string(license_id) + " has no user " + std::string(email));
}

Error user_exists(std::string_view license_id, std::string_view email) {
  return make_error(
      ErrorCode::already_exists,
      std::string(email) + " is already a user of license " + std::string(license_id));
}

}  // namespace nodelock::server
