#include "migrations.h"

#include <cstdint>
#include <string>

namespace nodelock::server::sql {

namespace {

Result<int> recorded_version(Connection& db) {
  Status table = db.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  if (!table.ok()) return table.error();
  Query query = db.query("SELECT max(version) FROM schema_version");
  auto row = query.step();
  if (!row.ok()) return row.error();
  return static_cast<int>(query.optional_integer(0).value_or(0));
}

}  // namespace

Status apply_migrations(Connection& db, const std::vector<Migration>& migrations, int latest) {
  auto version = recorded_version(db);
  if (!version.ok()) return version.error();
  if (*version > latest) {
    return make_error(ErrorCode::conflict,
                      "the license database has schema version " + std::to_string(*version) +
                          ", newer than this nodelock-server understands (" +
                          std::to_string(latest) +
                          "); run the nodelock-server release that wrote it, or a later one");
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= *version) continue;
    Status applied = db.execute(migration.sql);
    if (!applied.ok()) return applied;
    Status recorded = db.query("INSERT INTO schema_version(version) VALUES(?)")
                          .bind(1, std::int64_t{migration.version})
                          .run();
    if (!recorded.ok()) return recorded;
  }
  return {};
}

}  // namespace nodelock::server::sql
