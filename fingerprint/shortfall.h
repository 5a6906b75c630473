// Whether a set of kinds can carry a license under a policy. Internal: shared by
// binding_shortfall() on fingerprints and collect()'s warning on raw components.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "nodelock/fingerprint/kind.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock::fingerprint {

using KindSet = std::array<bool, kind_count>;

std::optional<std::string> shortfall_of(const KindSet& present, const MatchPolicy& policy);

}  // namespace nodelock::fingerprint
