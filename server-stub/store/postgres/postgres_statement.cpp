#include "postgres_statement.h"

#include <cstdlib>
#include <utility>

#include "connection.h"

namespace nodelock::server::postgres {

namespace {

// PQexecPrepared wants one result at a time, each owned here until reset.
struct ResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};

}  // namespace

Result<std::unique_ptr<PostgresStatement>> PostgresStatement::prepare(PGconn* connection,
                                                                      const std::string& name,
                                                                      const std::string& text,
                                                                      int* changes) {
  std::unique_ptr<PGresult, ResultFree> prepared(
      PQprepare(connection, name.c_str(), text.c_str(), 0, nullptr));
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return postgres_error(connection, prepared.get(), "preparing a query");
  }
  std::unique_ptr<PGresult, ResultFree> described(PQdescribePrepared(connection, name.c_str()));
  if (PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
    return postgres_error(connection, described.get(), "preparing a query");
  }
  return std::unique_ptr<PostgresStatement>(
      new PostgresStatement(connection, name, PQnparams(described.get()), changes));
}

PostgresStatement::PostgresStatement(PGconn* connection, std::string name, int parameters,
                                     int* changes)
    : connection_(connection),
      name_(std::move(name)),
      changes_(changes),
      parameters_(static_cast<std::size_t>(parameters)) {}

PostgresStatement::~PostgresStatement() { PQclear(result_); }

void PostgresStatement::bind(int index, std::optional<std::string> value) {
  if (index < 1 || static_cast<std::size_t>(index) > parameters_.size()) {
    bound_out_of_range_ = true;
    return;
  }
  parameters_[static_cast<std::size_t>(index) - 1] = std::move(value);
}

void PostgresStatement::bind_text(int index, std::string_view text) {
  bind(index, std::string(text));
}

void PostgresStatement::bind_integer(int index, std::int64_t number) {
  bind(index, std::to_string(number));
}

void PostgresStatement::bind_null(int index) { bind(index, std::nullopt); }

Status PostgresStatement::execute() {
  std::vector<const char*> values;
  values.reserve(parameters_.size());
  for (const auto& parameter : parameters_) {
    values.push_back(parameter ? parameter->c_str() : nullptr);
  }
  result_ = PQexecPrepared(connection_, name_.c_str(), static_cast<int>(values.size()),
                           values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(result_);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return postgres_error(connection_, result_, "running a query");
  }
  *changes_ = std::atoi(PQcmdTuples(result_));
  rows_ = PQntuples(result_);
  row_ = -1;
  return {};
}

Result<bool> PostgresStatement::step() {
  if (bound_out_of_range_) {
    return make_error(ErrorCode::internal,
                      "binding a query parameter failed: its number is out of range");
  }
  if (result_ == nullptr) {
    Status ran = execute();
    if (!ran.ok()) {
      reset();
      return ran.error();
    }
  }
  ++row_;
  return row_ < rows_;
}

std::string PostgresStatement::text(int column) const {
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

std::int64_t PostgresStatement::integer(int column) const {
  const char* value = PQgetvalue(result_, row_, column);
  // A comparison reads as a boolean, 't' or 'f', where SQLite gives 1 or 0.
  if (value[0] == 't') return 1;
  if (value[0] == 'f') return 0;
  return std::strtoll(value, nullptr, 10);
}

bool PostgresStatement::is_null(int column) const {
  return PQgetisnull(result_, row_, column) != 0;
}

void PostgresStatement::reset() {
  PQclear(result_);
  result_ = nullptr;
  rows_ = 0;
  row_ = -1;
  for (auto& parameter : parameters_) parameter.reset();
  bound_out_of_range_ = false;
}

}  // namespace nodelock::server::postgres
