// Support moving a seat from a replaced machine to its successor: who may,
// and the license's yearly allowance and cool-down that hold support back.
#include <string>
#include <vector>

#include "identifiers.h"
#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/admin_service.h"

namespace nodelock::server {

namespace {

constexpr UnixTime kYear = 365 * kSecondsPerDay;

// Why support may not transfer a seat of `license` at `now`; ok when it may.
// `transfers`: the license's transfers of the last 365 days, oldest first;
// `arrived_at`: when this seat itself was transferred here.
Status within_policy(const License& license, const std::vector<UnixTime>& transfers,
                     std::optional<UnixTime> arrived_at, UnixTime now) {
  const std::string beyond = "; an admin may transfer it anyway with --override";
  const UnixTime cooldown = license.transfer_cooldown_days * kSecondsPerDay;
  if (arrived_at && *arrived_at + cooldown > now) {
    return make_error(ErrorCode::forbidden, "this seat was transferred here on " +
                                                utc_date(*arrived_at) + ", and license " +
                                                key_display(license) + " lets a seat move again " +
                                                std::to_string(license.transfer_cooldown_days) +
                                                " days after its last transfer: on " +
                                                utc_date(*arrived_at + cooldown) + beyond);
  }
  if (!license.max_transfers_per_year) return {};
  const int allowed = *license.max_transfers_per_year;
  const int made = static_cast<int>(transfers.size());
  if (made < allowed) return {};
  std::string when;
  if (allowed > 0) {
    // The oldest transfers lapse first; one more is possible once enough have.
    when = ", so the next is possible on " + utc_date(transfers[made - allowed] + kYear);
  }
  return make_error(ErrorCode::forbidden, "license " + key_display(license) + " allows " +
                                              std::to_string(allowed) +
                                              " seat transfers in 365 days and " +
                                              std::to_string(made) + " were made" + when + beyond);
}

}  // namespace

Result<SeatTransfer> AdminService::transfer_activation(const AdminCaller& caller,
                                                       std::string_view activation_id,
                                                       std::string_view to_machine_id,
                                                       bool override_limit) const {
  if (Status allowed = require_support(caller.role, override_limit,
                                       "transfer beyond a license's transfer limit or cool-down");
      !allowed.ok()) {
    return allowed.error();
  }
  const auto machine = canonical_machine_id(to_machine_id);
  if (!machine) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(to_machine_id).substr(0, 64) +
                          "' is not a machine ID; the new machine shows its ID, "
                          "NL-XXXX-XXXX-XXXX-XXXX, with `nodelock fingerprint`");
  }
  const UnixTime now = context_.clock();
  SeatTransferOrder order;
  order.activation_id = std::string(activation_id);
  order.to_machine_id = *machine;
  order.held_until = now + context_.transfer_hold_seconds;
  order.by = {caller.token_id, now};
  order.counted_since = now - kYear;
  order.admit = [override_limit, now](const License& license,
                                      const std::vector<UnixTime>& transfers,
                                      std::optional<UnixTime> arrived_at) -> Status {
    if (!has_seat_limit(license)) {
      return make_error(ErrorCode::conflict,
                        "license " + key_display(license) +
                            " is a site license: any machine of the site activates by itself, "
                            "so there is no seat to move");
    }
    if (override_limit) return {};
    return within_policy(license, transfers, arrived_at, now);
  };
  return context_.store.transfer_seat(order);
}

}  // namespace nodelock::server
