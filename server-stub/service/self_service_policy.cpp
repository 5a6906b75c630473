// How many machines a license's holder may release by self-service: set when
// the license is made (LicenseOrder) and changed here, as seat limits are:
// support may only lower it, since each release is a seat a reseller could
// hand to another customer.
#include <string>
#include <vector>

#include "license_rules.h"
#include "nodelock/server/admin_service.h"

namespace nodelock::server {

Result<License> AdminService::set_self_service_releases(const AdminCaller& caller,
                                                        std::string_view id,
                                                        int releases_per_month) const {
  if (Status allowed = require_role(caller.role, AdminRole::support); !allowed.ok()) {
    return allowed.error();
  }
  if (Status valid =
          in_range("self_service_releases_per_month", releases_per_month, 0, kMaxActivations);
      !valid.ok()) {
    return valid.error();
  }
  LimitChange change;
  change.license_id = std::string(id);
  change.limit = LicenseLimit::self_service_releases_per_month;
  change.value = releases_per_month;
  change.by = {caller.token_id, context_.clock()};
  const AdminRole role = caller.role;
  change.admit = [role, releases_per_month](const License& license,
                                            const std::vector<std::string>&) -> Status {
    if (!has_seat_limit(license)) {
      return make_error(ErrorCode::conflict, "license " + key_display(license) +
                                                 " is a site license: its machines hold no "
                                                 "seats for its holder to release");
    }
    if (releases_per_month <= license.self_service_releases_per_month || role == AdminRole::admin) {
      return {};
    }
    return make_error(ErrorCode::forbidden,
                      "letting the holder of license " + key_display(license) + " release " +
                          std::to_string(releases_per_month) + " machines in 30 days (now " +
                          std::to_string(license.self_service_releases_per_month) +
                          ") needs an admin token; support may only lower it");
  };
  return context_.store.set_limit(change);
}

}  // namespace nodelock::server
