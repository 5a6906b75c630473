#include "nodelock/activation/bound_dongle.h"

#include <utility>

#include "nodelock/dongle/binding_json.h"
#include "nodelock/fingerprint/collect.h"

namespace nodelock {

fingerprint::Fingerprint with_bound_dongle(const fingerprint::Fingerprint& machine,
                                           const std::optional<dongle::DongleBinding>& binding,
                                           std::string_view product) {
  if (!binding) return machine;
  fingerprint::Collected dongle;
  dongle.components.push_back({fingerprint::Kind::dongle,
                               std::string(dongle::family_name(binding->family())) + "-binding",
                               dongle::to_json(*binding).dump()});
  const fingerprint::Fingerprint hashed = fingerprint::hash_components(dongle, product);
  std::vector<fingerprint::HashedComponent> components = machine.components();
  components.insert(components.end(), hashed.components().begin(), hashed.components().end());
  return fingerprint::Fingerprint(std::move(components), machine.environment());
}

}  // namespace nodelock
