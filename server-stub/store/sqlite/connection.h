// A SQLite connection with cached prepared statements, and the query object
// that binds, steps and reads one of them.
//
// A Connection is used by one thread at a time (it is opened without SQLite's
// own mutex); the store hands each connection to one thread at once.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "nodelock/crypto/result.h"

namespace nodelock::server::sqlite {

class Query;

class Connection {
 public:
  // Opens `path` in WAL mode with synchronous=FULL, so a COMMIT that returns is
  // on disk. `create` allows creating the file and makes it, its -wal and its
  // -shm 0600.
  static Result<Connection> open(const std::string& path, bool create);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection();

  // Runs statements without results (pragmas, BEGIN, COMMIT, schema).
  Status execute(const char* sql);
  // A query on the cached prepared statement for `sql`.
  Query query(const char* sql);
  // True when no transaction is open: SQLite rolls back a whole transaction
  // on some errors (disk full, I/O error), which the group commit must notice.
  bool in_transaction() const;
  // The rows changed by the last statement.
  int changes() const;
  // After each commit of this connection, stores the number of frames in the
  // WAL in *frames (which must outlive the connection's use).
  void count_wal_frames(int* frames);

  // The error of the last failed call, as a nodelock Error.
  Error last_error(std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  Connection() = default;

  // Declared before the cache so statements are finalized before the close.
  std::unique_ptr<sqlite3, Closer> db_;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>> statements_;
  std::optional<Error> prepare_error_;
  friend class Query;
};

// Binds parameters (1-based, as SQLite numbers them), steps, and reads columns
// (0-based). The statement is reset when the query is destroyed. A bind or
// prepare failure is reported by the next step() or run().
class Query {
 public:
  Query(Query&&) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  Query& bind(int index, std::string_view text);
  Query& bind(int index, std::int64_t number);
  Query& bind(int index, const std::optional<std::int64_t>& number);

  // True when a row is ready to read, false when the statement is done.
  Result<bool> step();
  // Steps to completion, for statements without rows.
  Status run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  friend class Connection;
  Query(Connection* connection, sqlite3_stmt* statement)
      : connection_(connection), statement_(statement) {}
  void note_bind(int rc);

  Connection* connection_;
  sqlite3_stmt* statement_;  // null when preparing failed
  int bind_error_ = SQLITE_OK;
};

}  // namespace nodelock::server::sqlite
