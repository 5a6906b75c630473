// Writes to a PostgreSQL store shared by several server instances.
//
// Each write runs in its own transaction that first takes one
// transaction-scoped advisory lock, the same in every instance. Writers
// therefore run one at a time across all instances, as SQLite's BEGIN
// IMMEDIATE makes them: a seat count read inside a write stays true until it
// commits, and the audit log stays one hash chain. Readers take no lock. The
// cost is that writes do not overlap: each waits for the commit (an fsync,
// synchronous_commit on) of the one before it, whichever instance made it.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "../sql/writer.h"
#include "connection.h"

namespace nodelock::server::postgres {

// Runs `write` on `db` in a transaction holding the writers' lock: committed
// when it succeeds, rolled back (changing nothing) when it fails.
Status run_locked(PostgresConnection& db, const sql::Writer::Write& write);

class PostgresWriter final : public sql::Writer {
 public:
  PostgresWriter(std::string url, std::unique_ptr<PostgresConnection> connection)
      : url_(std::move(url)), db_(std::move(connection)) {}

  // A write on a lost connection fails with io_error; the next write opens a
  // new connection.
  Status run(Write write) override;

 private:
  std::string url_;
  std::mutex mutex_;  // one write at a time on db_
  std::unique_ptr<PostgresConnection> db_;
};

}  // namespace nodelock::server::postgres
