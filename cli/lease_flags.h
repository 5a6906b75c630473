// The flags the `nodelock lease` commands share: where the seat is taken
// (--server, --ca, --pubkey), for whom (--user, --project) and on which
// machine and store (--sysroot, --store).
#pragma once

#include "args.h"
#include "nodelock/client/floating.h"

namespace nodelock::cli {

// The LeaseOptions of the flags given; an error when --pubkey is unreadable.
[[nodiscard]] Result<LeaseOptions> lease_options(const Args& args);

}  // namespace nodelock::cli
