// Where the store's writes run: each write's statements in a transaction of
// their own, answered once that transaction is durable. SQLite's group
// commit (sqlite/group_commit.h) and PostgreSQL's locked transactions
// (postgres/postgres_writer.h) implement it.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "connection.h"

namespace nodelock::server::sql {

class Writer {
 public:
  // A write: its statements on the writer's connection. An error rolls the
  // write back and is returned to its caller.
  using Write = std::function<Status(Connection& db)>;

  virtual ~Writer() = default;

  // Runs `write` and returns once its transaction is durable (the write's own
  // result), or failed (the failure), having changed nothing.
  virtual Status run(Write write) = 0;
};

// Runs `write` on `db`, turning an exception into an error.
inline Status run_guarded(const Writer::Write& write, Connection& db) {
  try {
    return write(db);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("a database write failed: ") + e.what());
  }
}

}  // namespace nodelock::server::sql
