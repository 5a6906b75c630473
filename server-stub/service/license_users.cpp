#include "nodelock/server/license_users.h"

#include <string>
#include <utility>

#include "license_rules.h"
#include "license_user_rules.h"
#include "nodelock/activation/payloads.h"
#include "reserved_seats.h"

namespace nodelock::server {

namespace {

Status may_change_users(AdminRole caller) {
  if (caller != AdminRole::viewer) return {};
  return make_error(ErrorCode::forbidden,
                    "changing license users needs an admin token with the support or admin "
                    "role; this one is viewer");
}

}  // namespace

LicenseUserService::LicenseUserService(ServiceContext context) : context_(std::move(context)) {}

Result<LicenseUser> LicenseUserService::add(const AdminCaller& caller, std::string_view license_id,
                                            std::string_view email,
                                            std::optional<int> max_activations,
                                            bool reserved) const {
  if (Status allowed = may_change_users(caller.role); !allowed.ok()) return allowed.error();
  auto normal = license_user_email(email);
  if (!normal.ok()) return normal.error();
  if (max_activations && *max_activations < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "max_activations must be at least 1; disable the user to refuse them");
  }
  UserAddition addition;
  addition.user.license_id = std::string(license_id);
  addition.user.email = std::move(*normal);
  addition.user.max_activations = max_activations;
  addition.user.reserved = reserved;
  addition.user.created_at = context_.clock();
  addition.by = {caller.token_id, addition.user.created_at};
  // Checked in the addition's transaction, against the limit as it is then.
  addition.admit = [max_activations, &addition](const License& license) -> Status {
    if (!max_activations || !has_seat_limit(license) ||
        *max_activations <= license.max_activations) {
      return {};
    }
    return make_error(ErrorCode::invalid_argument,
                      "user " + addition.user.email + " cannot have " +
                          std::to_string(*max_activations) + " activations: license " +
                          key_display(license) + " admits " +
                          std::to_string(license.max_activations) + " in all");
  };
  addition.admit_reservation = [&addition](const License& license,
                                           const std::vector<std::string>& already) {
    return admit_reservation(license, already, addition.user.email);
  };
  Status added = context_.store.add_license_user(addition);
  if (added.code() == ErrorCode::already_exists) {
    return user_exists(addition.user.license_id, addition.user.email);
  }
  if (!added.ok()) return added.error();
  return addition.user;
}

Result<std::vector<LicenseUser>> LicenseUserService::list(std::string_view license_id) const {
  return context_.store.license_users(license_id);
}

Result<UserChangeOutcome> LicenseUserService::change(const AdminCaller& caller,
                                                     std::string_view license_id,
                                                     std::string_view email, UserChangeKind kind,
                                                     bool free_seats) const {
  if (Status allowed = may_change_users(caller.role); !allowed.ok()) return allowed.error();
  auto normal = license_user_email(email);
  if (!normal.ok()) return normal.error();
  UserChange change;
  change.license_id = std::string(license_id);
  change.email = std::move(*normal);
  change.kind = kind;
  change.by = {caller.token_id, context_.clock()};
  change.admit = [kind, free_seats](const LicenseUser& user) {
    return admit_user_change(kind, free_seats, user);
  };
  change.admit_reservation = [&change](const License& license,
                                       const std::vector<std::string>& already) {
    return admit_reservation(license, already, change.email);
  };
  auto changed = context_.store.change_license_user(change);
  // The store's not_found names the license or the user; only a license that
  // exists can lack the user.
  if (!changed.ok() && changed.code() == ErrorCode::not_found &&
      context_.store.license(license_id).ok()) {
    return no_such_user(license_id, change.email);
  }
  return changed;
}

}  // namespace nodelock::server
