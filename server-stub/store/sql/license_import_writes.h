// Licenses imported from another system, written inside the caller's write so
// the whole file commits or nothing does.
#pragma once

#include "connection.h"
#include "nodelock/server/store_writes.h"

namespace nodelock::server::sql {

Status write_license_import(Connection& db, const LicenseImport& import);

}  // namespace nodelock::server::sql
