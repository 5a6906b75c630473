// A connection to the store's SQL database, with cached prepared statements,
// and the query object that binds, steps and reads one of them. SQLite
// (sqlite/) and PostgreSQL (postgres/) implement it; the store's record and
// write logic in this directory is written once against it.
//
// SQL here is the subset both databases accept: parameters numbered `?N` or
// plain `?` as SQLite counts them (PostgreSQL's connection renumbers them
// `$N`, postgres/statement_text.h), INSERT ... ON CONFLICT DO NOTHING, and
// json_each(X) for the values of a JSON array (which the PostgreSQL schema
// defines, postgres/schema.cpp).
//
// A Connection is used by one thread at a time; the store hands each
// connection to one thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock::server::sql {

// A statement prepared by a connection, cached and reused by it. Binding
// failures are kept and reported by the next step().
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_integer(int index, std::int64_t number) = 0;
  virtual void bind_null(int index) = 0;
  // True when a row is ready to read, false when the statement is done.
  virtual Result<bool> step() = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  // Ends the current run and forgets its bindings, ready for the next query.
  virtual void reset() = 0;
};

class Query;

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs statements without parameters or results (settings, BEGIN, COMMIT,
  // schema).
  virtual Status execute(const char* sql) = 0;
  // A query on the cached prepared statement for `sql`.
  Query query(const char* sql);
  // True while a transaction is open: a database may roll a whole transaction
  // back on some errors (disk full, I/O error), which its writer must notice.
  virtual bool in_transaction() const = 0;
  // The rows changed by the last statement.
  virtual int changes() const = 0;
  // False once the connection is lost; its owner then opens a new one.
  virtual bool usable() const = 0;
  // The error of the last failed call, as a nodelock Error.
  virtual Error last_error(std::string_view what) const = 0;

 protected:
  // The cached statement for `sql`, prepared on first use.
  virtual Result<Statement*> prepare(const char* sql) = 0;
};

// Binds parameters (1-based), steps, and reads columns (0-based). The
// statement is reset when the query is destroyed. A prepare or bind failure
// is reported by the next step() or run().
class Query {
 public:
  Query(Query&& other) noexcept;
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

  std::string text(int column) const { return statement_->text(column); }
  std::int64_t integer(int column) const { return statement_->integer(column); }
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  friend class Connection;
  explicit Query(Result<Statement*> prepared);

  Statement* statement_ = nullptr;  // null when preparing failed
  std::optional<Error> prepare_error_;
};

}  // namespace nodelock::server::sql
