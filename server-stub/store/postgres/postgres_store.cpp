#include "postgres_store.h"

#include "../sql/sql_store.h"
#include "connection.h"
#include "postgres_writer.h"
#include "schema.h"

namespace nodelock::server::postgres {

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url) {
  auto writer = PostgresConnection::open(url);
  if (!writer.ok()) return writer.error();
  Status migrated = migrate(**writer);
  if (!migrated.ok()) return migrated.error();
  auto open_reader = [url]() -> Result<std::unique_ptr<sql::Connection>> {
    auto reader = PostgresConnection::open(url);
    if (!reader.ok()) return reader.error();
    return std::unique_ptr<sql::Connection>(std::move(*reader));
  };
  return sql::open_sql_store(open_reader,
                             std::make_unique<PostgresWriter>(url, std::move(*writer)));
}

}  // namespace nodelock::server::postgres
