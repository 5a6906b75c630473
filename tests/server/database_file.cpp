#include "database_file.h"

#include <sqlite3.h>

namespace nodelock::server::testing {

namespace {

// An open connection, closed when it goes out of scope.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Connection() { sqlite3_close(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

int run_sql(const std::filesystem::path& path, const std::string& sql) {
  const Connection db(path);
  return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

long long read_number(const std::filesystem::path& path, const std::string& query) {
  const Connection db(path);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db.get(), query.c_str(), -1, &statement, nullptr);
  const long long number =
      sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
  sqlite3_finalize(statement);
  return number;
}

int tamper_with_audit_log(const std::filesystem::path& path, const std::string& sql) {
  return run_sql(path,
                 "DROP TRIGGER IF EXISTS audit_log_no_update; "
                 "DROP TRIGGER IF EXISTS audit_log_no_delete; " +
                     sql);
}

}  // namespace nodelock::server::testing
