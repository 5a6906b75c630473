// The SQLite schema and its versioned migrations.
#pragma once

#include "../sql/connection.h"

namespace nodelock::server::sqlite {

// The schema version this build writes. A database with a newer version is
// refused (conflict) rather than misread.
inline constexpr int kSchemaVersion = 15;

// Brings the database to kSchemaVersion by applying, in order and in
// one transaction, every migration newer than the recorded schema_version. A
// database written by a newer build is refused with conflict, never misread.
Status migrate(sql::Connection& db);

}  // namespace nodelock::server::sqlite
