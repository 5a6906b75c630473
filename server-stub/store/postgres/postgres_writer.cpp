#include "postgres_writer.h"

namespace nodelock::server::postgres {

namespace {

// The key of the advisory lock every nodelock writer takes ("nodelock" in
// ASCII), so it stays clear of locks other applications of the database take.
constexpr const char* kBeginLocked = "BEGIN; SELECT pg_advisory_xact_lock(7957689453360669547)";

}  // namespace

Status run_locked(PostgresConnection& db, const sql::Writer::Write& write) {
  Status begun = db.execute(kBeginLocked);
  if (!begun.ok()) {
    if (db.in_transaction()) (void)db.execute("ROLLBACK");
    return begun;
  }
  Status written = sql::run_guarded(write, db);
  if (written.ok() && db.transaction_failed()) written = db.last_error("during a write");
  if (!written.ok()) {
    (void)db.execute("ROLLBACK");
    return written;
  }
  return db.execute("COMMIT");
}

Status PostgresWriter::run(Write write) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (db_ == nullptr || !db_->usable()) {
    db_.reset();
    auto opened = PostgresConnection::open(url_);
    if (!opened.ok()) return opened.error();
    db_ = std::move(*opened);
  }
  return run_locked(*db_, write);
}

}  // namespace nodelock::server::postgres
