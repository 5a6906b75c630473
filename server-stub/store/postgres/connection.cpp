#include "connection.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include "postgres_statement.h"
#include "statement_text.h"

namespace nodelock::server::postgres {

namespace {

// As long as SQLite's busy timeout: a writer waiting this long for another
// instance's write lock means the database is stuck, not busy.
constexpr const char* kSessionSettings =
    "SET synchronous_commit = on; SET lock_timeout = '15s'; SET client_min_messages = warning";

ErrorCode code_for(std::string_view state, bool connection_lost) {
  if (connection_lost) return ErrorCode::io_error;
  if (state == "23505") return ErrorCode::already_exists;  // unique_violation
  if (state == "23503") return ErrorCode::not_found;       // foreign_key_violation
  const std::string_view group = state.substr(0, 2);
  if (group == "23") return ErrorCode::invalid_argument;  // another constraint
  // Connection failures, insufficient resources (disk full), operator
  // intervention (shutdown), system errors.
  if (group == "08" || group == "53" || group == "57" || group == "58") {
    return ErrorCode::io_error;
  }
  return ErrorCode::server_error;
}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Where `connection` was to reach, without its password.
std::string place_of(PGconn* connection) {
  const char* host = PQhost(connection);
  const char* port = PQport(connection);
  const char* name = PQdb(connection);
  return std::string("database '") + (name != nullptr ? name : "") + "' on " +
         (host != nullptr && *host != '\0' ? host : "the local socket") +
         (port != nullptr && *port != '\0' ? std::string(":") + port : std::string());
}

}  // namespace

Error postgres_error(PGconn* connection, const PGresult* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const bool lost = PQstatus(connection) != CONNECTION_OK;
  const std::string reason =
      trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
  return make_error(code_for(state != nullptr ? state : "", lost),
                    "the license database failed " + std::string(what) + ": " +
                        (reason.empty() ? trimmed(PQerrorMessage(connection)) : reason) +
                        (lost ? "; the connection to PostgreSQL was lost, retry" : ""));
}

void PostgresConnection::Closer::operator()(PGconn* connection) const { PQfinish(connection); }

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& url) {
  std::unique_ptr<PostgresConnection> opened(new PostgresConnection());
  opened->connection_.reset(PQconnectdb(url.c_str()));
  PGconn* connection = opened->connection_.get();
  if (connection == nullptr) {
    return make_error(ErrorCode::io_error, "cannot connect to the license database: out of memory");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    return make_error(ErrorCode::io_error,
                      "cannot connect to the license database (PostgreSQL " + place_of(connection) +
                          "): " + trimmed(PQerrorMessage(connection)) +
                          "; check the --db URL (host, port, database, user, password) and that "
                          "PostgreSQL is running and accepts connections from this host");
  }
  Status set = opened->execute(kSessionSettings);
  if (!set.ok()) return set.error();
  return opened;
}

PostgresConnection::~PostgresConnection() {
  // Statements refer to the connection; they go first.
  statements_.clear();
}

Status PostgresConnection::execute(const char* sql) {
  PGresult* result = PQexec(connection_.get(), sql);
  const ExecStatusType status = PQresultStatus(result);
  Status outcome;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    outcome = postgres_error(connection_.get(), result, "running a statement");
  }
  PQclear(result);
  return outcome;
}

Result<sql::Statement*> PostgresConnection::prepare(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second.get();
  const std::string name = "nodelock_" + std::to_string(statements_.size() + 1);
  auto prepared =
      PostgresStatement::prepare(connection_.get(), name, postgres_statement(sql), &changes_);
  if (!prepared.ok()) return prepared.error();
  return statements_.emplace(sql, std::move(*prepared)).first->second.get();
}

bool PostgresConnection::in_transaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(connection_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PostgresConnection::transaction_failed() const {
  return PQtransactionStatus(connection_.get()) == PQTRANS_INERROR;
}

bool PostgresConnection::usable() const { return PQstatus(connection_.get()) == CONNECTION_OK; }

Error PostgresConnection::last_error(std::string_view what) const {
  return postgres_error(connection_.get(), nullptr, what);
}

}  // namespace nodelock::server::postgres
