// How a license's dongle binding takes part in matching its fingerprint.
//
// A match policy weighs and may require the `dongle` kind (for containers and
// other machines whose own identity is too weak to bind to). For a license
// bound to a dongle, that kind is made of the binding itself: one component
// hashed like any other from the binding's JSON, added by the server to the
// enrolled fingerprint and by the client to the current one. The match then
// counts the dongle as present; whether it really is present is what the
// dongle's proof (binding.h) says, which the Verifier asks on every check. A
// machine without a binding never gets the component, so a policy that
// requires the dongle cannot be met without binding one.
#pragma once

#include <optional>
#include <string_view>

#include "nodelock/dongle/binding.h"
#include "nodelock/fingerprint/fingerprint.h"

namespace nodelock {

// `machine` with the component that stands for `binding`, or `machine` as it
// is when there is no binding. Hashed with `product`'s salt like the rest.
fingerprint::Fingerprint with_bound_dongle(const fingerprint::Fingerprint& machine,
                                           const std::optional<dongle::DongleBinding>& binding,
                                           std::string_view product);

}  // namespace nodelock
