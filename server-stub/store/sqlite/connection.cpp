#include "connection.h"

#include <filesystem>

namespace nodelock::server::sqlite {

namespace {

// Long enough for another server process's group commit to finish; a writer
// waiting this long means the database is stuck, not busy.
constexpr int kBusyTimeoutMs = 15000;

ErrorCode code_for(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return ErrorCode::already_exists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::not_found;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return ErrorCode::invalid_argument;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorCode::io_error;
    default:
      return ErrorCode::server_error;
  }
}

// The database and its WAL and shared-memory files readable by the server's
// user alone (issue #18): SQLite makes them as the umask allows, usually 0644,
// and gives a new -wal or -shm the mode of the database. A database made by
// an older server is tightened here too.
Error error_of(sqlite3* db, std::string_view what) {
  const int rc = sqlite3_extended_errcode(db);
  return make_error(code_for(rc),
                    "the license database failed " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Status keep_to_owner(const std::string& path) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path file = path + suffix;
    std::error_code error;
    if (!fs::exists(file, error)) continue;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    error);
    if (error) {
      return make_error(ErrorCode::io_error, "cannot make the license database file " +
                                                 file.string() +
                                                 " private (chmod 600): " + error.message());
    }
  }
  return {};
}

// A prepared statement of `db`, finalized when destroyed.
class SqliteStatement final : public sql::Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~SqliteStatement() override { sqlite3_finalize(statement_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_text(int index, std::string_view text) override {
    note_bind(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                SQLITE_TRANSIENT));
  }
  void bind_integer(int index, std::int64_t number) override {
    note_bind(sqlite3_bind_int64(statement_, index, number));
  }
  void bind_null(int index) override { note_bind(sqlite3_bind_null(statement_, index)); }

  Result<bool> step() override {
    if (bind_error_ != SQLITE_OK) {
      return make_error(ErrorCode::internal, std::string("binding a query parameter failed: ") +
                                                 sqlite3_errstr(bind_error_));
    }
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return error_of(db_, "running a query");
  }

  std::string text(int column) const override {
    const auto* bytes = sqlite3_column_text(statement_, column);
    const int size = sqlite3_column_bytes(statement_, column);
    return bytes != nullptr ? std::string(reinterpret_cast<const char*>(bytes), size)
                            : std::string();
  }
  std::int64_t integer(int column) const override {
    return sqlite3_column_int64(statement_, column);
  }
  bool is_null(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }

  void reset() override {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    bind_error_ = SQLITE_OK;
  }

 private:
  void note_bind(int rc) {
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  }

  sqlite3* db_;
  sqlite3_stmt* statement_;
  int bind_error_ = SQLITE_OK;
};

}  // namespace

void SqliteConnection::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 bool create) {
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection());
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  connection->db_.reset(db);
  if (rc != SQLITE_OK) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return make_error(ErrorCode::io_error, "cannot open the license database " + path + ": " +
                                               reason + "; check the path and its permissions");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL lets readers run beside the writer; synchronous=FULL makes every commit
  // durable before it returns, which is what an acknowledged activation promises.
  // Checkpoints are the Checkpointer's job, never a committing writer's.
  Status pragmas = connection->execute(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA wal_autocheckpoint=0;");
  if (!pragmas.ok()) return pragmas.error();
  if (create) {
    if (Status kept = keep_to_owner(path); !kept.ok()) return kept.error();
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  // Statements must be finalized before sqlite3_close_v2 can free the handle.
  statements_.clear();
}

Status SqliteConnection::execute(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string reason = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return make_error(code_for(rc), "the license database failed: " + reason);
}

Result<sql::Statement*> SqliteConnection::prepare(const char* sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) return last_error("preparing a query");
    found = statements_.emplace(sql, std::make_unique<SqliteStatement>(db_.get(), statement)).first;
  }
  return found->second.get();
}

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

int SqliteConnection::changes() const { return sqlite3_changes(db_.get()); }

void SqliteConnection::count_wal_frames(int* frames) {
  sqlite3_wal_hook(
      db_.get(),
      [](void* out, sqlite3*, const char*, int pages) {
        *static_cast<int*>(out) = pages;
        return SQLITE_OK;
      },
      frames);
}

Error SqliteConnection::last_error(std::string_view what) const {
  return error_of(db_.get(), what);
}

}  // namespace nodelock::server::sqlite
