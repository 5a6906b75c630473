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

#include "nodelock/activation/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// A caller who proved to hold a license's key; made by SelfService::authenticate.
struct LicenseHolder {
  License license;
};

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

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
