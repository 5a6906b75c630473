// A prepared statement of a PostgreSQL connection: text parameters in, text
// columns out, the server inferring each parameter's type.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../sql/connection.h"

namespace nodelock::server::postgres {

class PostgresStatement final : public sql::Statement {
 public:
  // Prepares `text` (in PostgreSQL's spelling) as `name` on `connection`;
  // each run stores the rows it changed in *changes.
  static Result<std::unique_ptr<PostgresStatement>> prepare(PGconn* connection,
                                                            const std::string& name,
                                                            const std::string& text, int* changes);
  ~PostgresStatement() override;
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  void bind_text(int index, std::string_view text) override;
  void bind_integer(int index, std::int64_t number) override;
  void bind_null(int index) override;
  Result<bool> step() override;
  std::string text(int column) const override;
  std::int64_t integer(int column) const override;
  bool is_null(int column) const override;
  void reset() override;

 private:
  PostgresStatement(PGconn* connection, std::string name, int parameters, int* changes);
  void bind(int index, std::optional<std::string> value);
  // Runs the statement with its bound parameters, keeping its rows.
  Status execute();

  PGconn* connection_;
  std::string name_;
  int* changes_;
  std::vector<std::optional<std::string>> parameters_;
  bool bound_out_of_range_ = false;
  PGresult* result_ = nullptr;  // of the current run; null before it
  int rows_ = 0;
  int row_ = -1;
};

}  // namespace nodelock::server::postgres
