#include "nodelock/server/self_service.h"

#include <string>
#include <utility>
#include <vector>

#include "identifiers.h"
#include "license_rules.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/admin_service.h"
#include "record_refusals.h"
#include "seat_refusal_messages.h"

namespace nodelock::server {

namespace {

// The store's not_found for a seat that is not one of the license's: the
// holder learns nothing of any other license's seats.
Error not_a_seat_of_the_license(const SeatReset& reset) {
  if (reset.activation_id.empty()) {
    return make_error(ErrorCode::not_found,
                      reset.machine_id +
                          " holds no seat of this license; `nodelock devices` lists the machines "
                          "that do");
  }
  return make_error(ErrorCode::not_found,
                    "no activation '" + reset.activation_id + "' on this license");
}

// Why the holder may not release one more seat of `license`, given its
// releases of the last 30 days (oldest first); ok when they may.
Status within_allowance(const License& license, const std::vector<UnixTime>& releases) {
  const std::string support = "; support can still reset a lost machine";
  if (license.self_service_releases_per_month == 0) {
    return make_error(ErrorCode::forbidden, "license " + key_display(license) +
                                                " does not allow releasing machines by "
                                                "self-service" +
                                                support);
  }
  const int allowed = license.self_service_releases_per_month;
  const int made = static_cast<int>(releases.size());
  if (made < allowed) return {};
  const UnixTime next = releases[made - allowed] + kSelfServiceWindowSeconds;
  return make_error(ErrorCode::forbidden,
                    "license " + key_display(license) + " allows " + std::to_string(allowed) +
                        " self-service releases in 30 days and " + std::to_string(made) +
                        " were made; the next is possible at " + utc_timestamp(next) + support);
}

}  // namespace

SelfService::SelfService(ServiceContext context) : context_(std::move(context)) {}

Result<LicenseHolder> SelfService::authenticate(std::string_view typed_key) const {
  auto license = license_with_key(context_.store, context_.key_hasher, typed_key);
  if (!license.ok()) return license.error();
  return LicenseHolder{std::move(*license)};
}

Result<ActivationPage> SelfService::devices(const LicenseHolder& holder,
                                            const ActivationPageRequest& page) const {
  if (Status size = check_page_size(page); !size.ok()) return size.error();
  return activation_page(context_.store, holder.license.id, page);
}

Result<HolderRelease> SelfService::release(const LicenseHolder& holder,
                                           std::string_view device) const {
  if (!has_seat_limit(holder.license)) {
    return make_error(ErrorCode::conflict,
                      "license " + key_display(holder.license) +
                          " is a site license: its machines hold no seats, so there is none "
                          "to release");
  }
  const UnixTime now = context_.clock();
  SeatReset reset;
  if (auto machine = canonical_machine_id(device)) {
    reset.machine_id = std::move(*machine);
  } else if (is_record_id(device, "act")) {
    reset.activation_id = std::string(device);
  } else {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(device).substr(0, 64) +
                          "' is neither a machine ID (NL-XXXX-XXXX-XXXX-XXXX) nor an activation "
                          "id (act_…); `nodelock devices` lists both");
  }
  reset.ended_as = ActivationState::released;
  reset.license_id = holder.license.id;
  reset.by = {std::string(kLicenseHolderActor), now};
  // A release made at t counts until t + 30 days, when the next is possible.
  reset.counted_since = now - kSelfServiceWindowSeconds + 1;
  HolderRelease outcome;
  reset.admit = [&outcome, now](const License& license,
                                const std::vector<UnixTime>& releases) -> Result<Admission> {
    if (Status allowed = within_allowance(license, releases); !allowed.ok()) {
      return allowed.error();
    }
    outcome.allowed = license.self_service_releases_per_month;
    outcome.made = static_cast<int>(releases.size()) + 1;
    if (outcome.made >= outcome.allowed) {
      const std::size_t oldest = releases.size() + 1 - static_cast<std::size_t>(outcome.allowed);
      outcome.next_possible_at =
          (oldest < releases.size() ? releases[oldest] : now) + kSelfServiceWindowSeconds;
    }
    return Admission{};
  };
  reset.refusal = seat_refusal_message;
  auto released = context_.store.reset_seat(reset);
  if (!released.ok() && released.code() == ErrorCode::not_found) {
    return not_a_seat_of_the_license(reset);
  }
  if (!released.ok()) return released.error();
  outcome.released = std::move(*released);
  auto license = context_.store.license(holder.license.id);
  if (!license.ok()) return license.error();
  outcome.license = std::move(*license);
  return outcome;
}

}  // namespace nodelock::server
