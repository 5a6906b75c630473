// The PostgreSQL schema and its versioned migrations (the same version-table
// scheme, and version numbers, as SQLite's: sqlite/schema.h).
#pragma once

#include "connection.h"

namespace nodelock::server::postgres {

// Brings the database to kSchemaVersion, in one transaction holding the
// writers' lock so two instances starting on one new database do not both
// migrate it. A database written by a newer build is refused with conflict.
Status migrate(PostgresConnection& db);

}  // namespace nodelock::server::postgres
