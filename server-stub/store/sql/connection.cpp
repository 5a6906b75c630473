#include "connection.h"

#include <utility>

namespace nodelock::server::sql {

Query Connection::query(const char* sql) { return Query(prepare(sql)); }

Query::Query(Result<Statement*> prepared) {
  if (prepared.ok()) {
    statement_ = *prepared;
  } else {
    prepare_error_ = prepared.error();
  }
}

Query::Query(Query&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      prepare_error_(std::move(other.prepare_error_)) {}

Query::~Query() {
  if (statement_ != nullptr) statement_->reset();
}

Query& Query::bind(int index, std::string_view text) {
  if (statement_ != nullptr) statement_->bind_text(index, text);
  return *this;
}

Query& Query::bind(int index, std::int64_t number) {
  if (statement_ != nullptr) statement_->bind_integer(index, number);
  return *this;
}

Query& Query::bind(int index, const std::optional<std::int64_t>& number) {
  if (statement_ == nullptr) return *this;
  if (number) {
    statement_->bind_integer(index, *number);
  } else {
    statement_->bind_null(index);
  }
  return *this;
}

Result<bool> Query::step() {
  if (statement_ == nullptr) {
    return prepare_error_.value_or(
        make_error(ErrorCode::internal, "a query was used after it was moved"));
  }
  return statement_->step();
}

Status Query::run() {
  for (;;) {
    auto row = step();
    if (!row.ok()) return row.error();
    if (!*row) return {};
  }
}

std::optional<std::int64_t> Query::optional_integer(int column) const {
  if (statement_->is_null(column)) return std::nullopt;
  return statement_->integer(column);
}

}  // namespace nodelock::server::sql
