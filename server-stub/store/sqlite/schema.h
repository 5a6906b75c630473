// The SQLite schema and its versioned migrations.
#pragma once

#include "../sql/connection.h"
#include "../sql/migrations.h"

namespace nodelock::server::sqlite {

using sql::kSchemaVersion;

// Brings the database to kSchemaVersion by applying, in order and in
// one transaction, every migration newer than the recorded schema_version. A
// database written by a newer build is refused with conflict, never misread.
Status migrate(sql::Connection& db);

}  // namespace nodelock::server::sqlite
