// The store's SQL (sql/connection.h) in PostgreSQL's spelling.
#pragma once

#include <string>
#include <string_view>

namespace nodelock::server::postgres {

// `sql` with its parameters numbered `$N` (a plain `?` takes the number after
// the largest before it, as in SQLite). Text inside quotes is left as it is.
std::string postgres_statement(std::string_view sql);

}  // namespace nodelock::server::postgres
