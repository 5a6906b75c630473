// Self-service: what the holder of a license key may do without support.
//
// The license key is the credential, as it is for activation: whoever can
// activate a machine with the key may see which machines hold the license's
// seats. A holder sees only the license the key opens, and of its machines
// only what identifies them to a person (machine ID, hostname, when activated
// and last seen, state, online or offline): never a fingerprint, a device key
// or anything of another license. Like the other services it knows nothing of
// HTTP, and may be called from many threads at once.
#pragma once

#include <string_view>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// A caller who proved to hold a license's key; made by SelfService::authenticate.
struct LicenseHolder {
  License license;
};

// A seat the holder released, and what is left of the license's allowance.
struct HolderRelease {
  Activation released;
  License license;  // as the release left it: one seat fewer in use
  int allowed = 0;  // releases the license allows in any 30 days
  int made = 0;     // releases in the last 30 days, this one included
  // Once `made` reaches `allowed`: when the oldest of them lapses and one more
  // release is possible.
  std::optional<UnixTime> next_possible_at;
};

// How far back releases count against the license's monthly allowance.
inline constexpr UnixTime kSelfServiceWindowSeconds = 30 * 86400;

class SelfService {
 public:
  explicit SelfService(ServiceContext context);

  // The holder of `typed_key`. A wrong key gets exactly activation's answers:
  // invalid_key for a typo, not_found for a key no license has.
  [[nodiscard]] Result<LicenseHolder> authenticate(std::string_view typed_key) const;

  // A page of the holder's license's activations, oldest first.
  // invalid_argument for a page size outside 1..kMaxActivationPage or an
  // `after` that names no activation of the license.
  [[nodiscard]] Result<ActivationPage> devices(const LicenseHolder& holder,
                                               const ActivationPageRequest& page) const;

  // Frees the seat of one machine on the holder's license, named by its
  // machine ID (NL-…) or activation id, as a support reset does: the seat is
  // free at once and the machine's next check-in is refused with
  // seat_released. At most License::self_service_releases_per_month in any
  // 30 days; beyond that, or when the license allows none, forbidden with when
  // the next is possible and that support can reset it. not_found for a
  // machine not on the license (another license's alike), conflict for a
  // seat already free, invalid_argument for a device that is neither form.
  [[nodiscard]] Result<HolderRelease> release(const LicenseHolder& holder,
                                              std::string_view device) const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
