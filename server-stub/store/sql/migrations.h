// Versioned schema migrations, as each backend keeps them: a schema_version
// table records the versions applied, and migration N brings the schema from
// version N-1 (or from nothing, for a backend's first) to N.
#pragma once

#include <vector>

#include "connection.h"

namespace nodelock::server::sql {

// The schema version this build writes, on every backend. A database with a
// newer version is refused (conflict) rather than misread.
inline constexpr int kSchemaVersion = 15;

struct Migration {
  int version;
  const char* sql;
};

// Applies, in order, every migration of `migrations` newer than the version
// the database records, inside the transaction the caller opened. A database
// written by a newer build (past `latest`) is refused with conflict, never
// misread.
Status apply_migrations(Connection& db, const std::vector<Migration>& migrations, int latest);

}  // namespace nodelock::server::sql
