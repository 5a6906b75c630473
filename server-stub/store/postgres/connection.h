// A PostgreSQL connection: the store's sql::Connection over libpq.
//
// Statements are prepared once per connection (their `?N` parameters
// rewritten to `$N`, statement_text.h) and run with text parameters whose
// types the server infers; results are read as text.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "../sql/connection.h"

namespace nodelock::server::postgres {

class PostgresConnection final : public sql::Connection {
 public:
  // Connects to the database named by `url` (a libpq connection URI,
  // postgresql://...), with synchronous_commit on so a COMMIT that returns
  // is durable.
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& url);

  ~PostgresConnection() override;

  Status execute(const char* sql) override;
  bool in_transaction() const override;
  int changes() const override { return changes_; }
  bool usable() const override;
  Error last_error(std::string_view what) const override;

  // True when a statement of the open transaction failed: PostgreSQL then
  // refuses the rest of it, and its COMMIT would roll it back.
  bool transaction_failed() const;

 private:
  struct Closer {
    void operator()(PGconn* connection) const;
  };
  PostgresConnection() = default;
  Result<sql::Statement*> prepare(const char* sql) override;

  std::unique_ptr<PGconn, Closer> connection_;
  std::unordered_map<std::string, std::unique_ptr<sql::Statement>> statements_;
  int changes_ = 0;
};

// The nodelock ErrorCode and a message for people for a failed `result` of
// `connection` (null when there is no result).
Error postgres_error(PGconn* connection, const PGresult* result, std::string_view what);

}  // namespace nodelock::server::postgres
