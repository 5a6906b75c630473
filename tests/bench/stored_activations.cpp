#include "stored_activations.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>

namespace nodelock::server::testing {

namespace {

// Seat keys are spread over their B-tree the way random hashes are: two
// multiplicative hashes of the row number, offset per kind, each a bijection
// of 32-bit numbers, so no two seats share a key. They are computed once per row
// for its machine_keys and copied from there into seat_keys. No audit
// entries or nonces are written: the server reads neither table's old rows.
constexpr const char* kFill = R"sql(
WITH RECURSIVE seat(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seat WHERE i < ?2),
seat_key(i, keys) AS (
  SELECT i, json_array(
      printf('device:%08x%08x', (i * 2654435761 + 40503) % 4294967296, (i * 2246822519 + 1) % 4294967296),
      printf('disk:%08x%08x', (i * 2654435761 + 81006) % 4294967296, (i * 2246822519 + 2) % 4294967296),
      printf('mac:%08x%08x', (i * 2654435761 + 121509) % 4294967296, (i * 2246822519 + 3) % 4294967296),
      printf('mac:%08x%08x', (i * 2654435761 + 162012) % 4294967296, (i * 2246822519 + 4) % 4294967296),
      printf('machine_id:%08x%08x', (i * 2654435761 + 202515) % 4294967296, (i * 2246822519 + 5) % 4294967296))
  FROM seat)
INSERT INTO activations(id, license_id, machine_id, fingerprint, device_public_key, hostname,
                        environment, mode, status, activated_at, last_seen_at, request_nonce,
                        machine_keys)
SELECT printf('act_stored%012d', i), ?1,
       printf('NL-%04X-%04X-%04X-%04X', i % 65536, (i / 65536) % 65536, (i * 7) % 65536,
              (i * 13) % 65536),
       ?3, substr(hex(randomblob(32)), 1, 43) || '=', printf('host-%d', i), 'bare_metal',
       'online', 'active', strftime('%s', 'now'), strftime('%s', 'now'),
       printf('stored-nonce-%d', i), keys
FROM seat_key;
)sql";

constexpr const char* kKeys = R"sql(
INSERT OR IGNORE INTO seat_keys(license_id, machine_key, activation_id)
SELECT activations.license_id, value, activations.id FROM activations, json_each(activations.machine_keys)
WHERE activations.license_id = ?1;
)sql";

constexpr const char* kCount = "UPDATE licenses SET seats_used = seats_used + ?2 WHERE id = ?1;";

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

std::string run(sqlite3* db, const char* sql, const std::string& license_id, int count,
                const std::string& fingerprint_json) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    return sqlite3_errmsg(db);
  }
  sqlite3_bind_text(statement, 1, license_id.data(), static_cast<int>(license_id.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(statement, 2, count);
  if (sqlite3_bind_parameter_count(statement) >= 3) {
    sqlite3_bind_text(statement, 3, fingerprint_json.data(),
                      static_cast<int>(fingerprint_json.size()), SQLITE_TRANSIENT);
  }
  const int rc = sqlite3_step(statement);
  sqlite3_finalize(statement);
  return rc == SQLITE_DONE ? std::string() : std::string(sqlite3_errmsg(db));
}

}  // namespace

std::string add_stored_activations(const std::filesystem::path& database,
                                   const std::string& license_id, int count,
                                   const std::string& fingerprint_json) {
  sqlite3* opened = nullptr;
  const int rc = sqlite3_open_v2(database.c_str(), &opened, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, Closer> db(opened);
  if (rc != SQLITE_OK) return "cannot open " + database.string();
  // A bulk load of a scratch database: no fsync, and a page cache large
  // enough that the five million random seat-key inserts stay in memory.
  if (sqlite3_exec(db.get(), "PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; BEGIN IMMEDIATE;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite3_errmsg(db.get());
  }
  for (const char* sql : {kFill, kKeys, kCount}) {
    std::string failed = run(db.get(), sql, license_id, count, fingerprint_json);
    if (!failed.empty()) return failed;
  }
  if (sqlite3_exec(db.get(), "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    return sqlite3_errmsg(db.get());
  }
  return {};
}

}  // namespace nodelock::server::testing
