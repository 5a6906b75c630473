// Who may do what: the one check of an admin token's role.
#pragma once

#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// forbidden, naming both roles, unless `caller` is at least `needed`.
Status require_role(AdminRole caller, AdminRole needed);

}  // namespace nodelock::server
