// Reading query rows into records, shared by the row code of each kind of
// record (records.cpp, seat_records.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connection.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server::sql {

// Every row of `query`, each read by `read_row`.
template <class T, class ReadRow>
Result<std::vector<T>> collect(Query& query, ReadRow read_row) {
  std::vector<T> rows;
  for (;;) {
    auto row = query.step();
    if (!row.ok()) return row.error();
    if (!*row) return rows;
    rows.push_back(read_row(query));
  }
}

// The first row of `query`, read by `read_row`; no_such_record(what, id) when
// none.
template <class T, class ReadRow>
Result<T> first(Query& query, ReadRow read_row, std::string_view what, std::string_view id) {
  auto row = query.step();
  if (!row.ok()) return row.error();
  if (!*row) return no_such_record(what, id);
  return read_row(query);
}

}  // namespace nodelock::server::sql
