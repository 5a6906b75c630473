// How the server binds seats to dongles: a license whose match policy requires
// the `dongle` kind is granted only with a dongle binding, the binding is
// stored with the seat and signed into every LICENSE issued for it, and a
// check-in keeps it: a refresh naming another dongle, or none, is refused.
// Binding another dongle means activating again with it.
#pragma once

#include <optional>
#include <string>

#include "nodelock/activation/payloads.h"
#include "nodelock/fingerprint/policy.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// How a seat stores its binding: the binding's JSON, empty for none.
std::string stored_dongle(const std::optional<dongle::DongleBinding>& binding);

// The binding `seat` is bound to; server_error when it is stored unreadably.
Result<std::optional<dongle::DongleBinding>> dongle_of(const Activation& seat);

// dongle_missing when `policy` requires the dongle and `request` binds none.
Status require_dongle(const License& license, const fingerprint::MatchPolicy& policy,
                      const ActivationRequest& request);

// machine_mismatch when the refresh `request` names another binding than the
// seat it renews holds. An unknown seat passes: the check-in reports it.
Status keeps_its_dongle(Store& store, const ActivationRequest& request);

}  // namespace nodelock::server
