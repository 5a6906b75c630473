#include "sqlite_store.h"

#include "../sql/sql_store.h"
#include "group_commit.h"
#include "schema.h"

namespace nodelock::server::sqlite {

namespace {

// The writer touches index pages all over the file (nonces, seat keys); its
// page cache decides whether a group commit reads from memory or from disk.
// Each write runs in a savepoint, whose undo journal would otherwise be a
// temporary file written for every page a write touches.
constexpr const char* kWriterSettings = "PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;";

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  auto writer = SqliteConnection::open(path, true);
  if (!writer.ok()) return writer.error();
  Status migrated = migrate(**writer);
  if (!migrated.ok()) return migrated.error();
  Status tuned = (*writer)->execute(kWriterSettings);
  if (!tuned.ok()) return tuned.error();
  auto checkpointer = SqliteConnection::open(path, false);
  if (!checkpointer.ok()) return checkpointer.error();
  auto open_reader = [path]() -> Result<std::unique_ptr<sql::Connection>> {
    auto reader = SqliteConnection::open(path, false);
    if (!reader.ok()) return reader.error();
    return std::unique_ptr<sql::Connection>(std::move(*reader));
  };
  return sql::open_sql_store(
      open_reader, std::make_unique<GroupCommit>(std::move(*writer), std::move(*checkpointer)));
}

}  // namespace nodelock::server::sqlite
