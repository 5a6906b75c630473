// The embedded SQLite store: one database file in WAL mode, one writer thread
// doing group commit, and a pool of reader connections that never wait for it.
#pragma once

#include <memory>
#include <string>

#include "nodelock/server/store.h"

namespace nodelock::server::sqlite {

// Opens or creates the database at `path` and migrates it to kSchemaVersion (schema.h).
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace nodelock::server::sqlite
