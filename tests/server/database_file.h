// SQL run on a server's SQLite file behind the server's back, as an upgrade
// from an older build or someone with access to the file would: for tests of
// migrations and of edits the server must detect.
#pragma once

#include <filesystem>
#include <string>

namespace nodelock::server::testing {

// Runs the statements of `sql` on the database at `path`, waiting up to 5 s
// for a running server's lock; SQLITE_OK or the SQLite result code it failed
// with.
int run_sql(const std::filesystem::path& path, const std::string& sql);

// The first column of the first row `query` reads, as an integer; -1 when it
// reads no row.
long long read_number(const std::filesystem::path& path, const std::string& query);

// Runs `sql` after dropping the triggers that refuse casual edits of the audit
// log, as someone set on rewriting history would.
int tamper_with_audit_log(const std::filesystem::path& path, const std::string& sql);

}  // namespace nodelock::server::testing
