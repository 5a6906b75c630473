// A SQLite connection: the store's sql::Connection on one database file.
//
// Opened without SQLite's own mutex: the store hands each connection to one
// thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "../sql/connection.h"

namespace nodelock::server::sqlite {

class SqliteConnection final : public sql::Connection {
 public:
  // Opens `path` in WAL mode with synchronous=FULL, so a COMMIT that returns is
  // on disk. `create` allows creating the file and makes it, its -wal and its
  // -shm 0600.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, bool create);

  ~SqliteConnection() override;

  Status execute(const char* sql) override;
  bool in_transaction() const override;
  int changes() const override;
  bool usable() const override { return true; }
  Error last_error(std::string_view what) const override;

  // After each commit of this connection, stores the number of frames in the
  // WAL in *frames (which must outlive the connection's use).
  void count_wal_frames(int* frames);

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  SqliteConnection() = default;
  Result<sql::Statement*> prepare(const char* sql) override;

  // Declared before the cache so statements are finalized before the close.
  std::unique_ptr<sqlite3, Closer> db_;
  std::unordered_map<std::string, std::unique_ptr<sql::Statement>> statements_;
};

}  // namespace nodelock::server::sqlite
