// The PostgreSQL store, which several server instances can share: the same
// records and writes as SQLite's (sql/), on libpq connections, each write
// serialised across instances by the writers' lock (postgres_writer.h).
#pragma once

#include <memory>
#include <string>

#include "nodelock/server/store.h"

namespace nodelock::server::postgres {

// Connects to the database at `url` (postgresql://... or postgres://..., a
// libpq connection URI), creating or upgrading its schema.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url);

}  // namespace nodelock::server::postgres
