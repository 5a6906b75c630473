// The store on a SQL database (SQLite or PostgreSQL): the record and write
// logic of this directory, run on the database's reader connections and writer.
#pragma once

#include <memory>

#include "nodelock/server/store.h"
#include "reader_pool.h"
#include "writer.h"

namespace nodelock::server::sql {

// The store reading through connections `open_reader` opens and writing
// through `writer`, on a database already at its schema version; it loads the
// leases still held before it returns.
Result<std::unique_ptr<Store>> open_sql_store(ReaderPool::Open open_reader,
                                              std::unique_ptr<Writer> writer);

}  // namespace nodelock::server::sql
