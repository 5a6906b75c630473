// The Store contract: the promises of store.h, held against every backend.
//
// A backend is the URL of an empty store of a test's own, opened with
// open_store() as `nodelock-server --db` opens it: a SQLite file in the test's
// directory, or a new database of the test PostgreSQL cluster. Adding a
// backend is one entry in store_backends(); every contract test then runs
// against it too.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "postgres_database.h"
#include "store_fixture.h"

namespace nodelock::server::testing {

struct StoreBackend {
  std::string name;  // the suffix of the tests' names, e.g. "sqlite"
  // The URL of a new, empty store; a file store keeps its files under `dir`.
  std::function<std::string(const TempDir& dir)> url;
  // Everything the store at `url` (made under `dir`) holds, as bytes or text.
  std::function<std::string(const TempDir& dir, const std::string& url)> stored;
};

// The bytes of every file under `dir`: the database, its journal or WAL.
inline std::string bytes_under(const std::filesystem::path& dir) {
  std::string bytes;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return bytes;
}

// Test listings name a backend by its name, not its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::vector<StoreBackend> store_backends() {
  return {
      {"sqlite", [](const TempDir& dir) { return store_url(dir); },
       [](const TempDir& dir, const std::string&) { return bytes_under(dir.path()); }},
      {"postgresql", [](const TempDir&) { return new_postgres_database(); },
       [](const TempDir&, const std::string& url) { return postgres_rows(url); }},
  };
}

// Every entry of the audit log, oldest first.
inline std::vector<AuditEntry> audit_log(Store& store) {
  auto entries = store.audit_entries(0, std::numeric_limits<UnixTime>::max());
  EXPECT_TRUE(entries.ok()) << entries.message();
  return entries.ok() ? std::move(*entries) : std::vector<AuditEntry>{};
}

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// A store of the backend under test, holding the product "acme-cad".
class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    url_ = GetParam().url(dir_);
    reopen();
    ASSERT_NE(store_, nullptr);
    Status added = store_->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin);
    ASSERT_TRUE(added.ok()) << added.message();
  }

  // Closes the store, as a process exiting would; reopen() opens it again.
  void close_store() { store_.reset(); }
  void reopen() {
    close_store();
    store_ = open_or_fail(url_);
  }

  void add_license(const License& license) {
    Status added = store_->add_license(license, kByAdmin);
    ASSERT_TRUE(added.ok()) << added.message();
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

// Runs `work(i)` for every i in [0, count) in a child process of its own, all
// released at once, and returns their exit codes in order (-1: killed). A
// child blocks reading a pipe until the parent closes it after forking them
// all, so no child starts before the last is ready. `work` returns the child's
// exit code; the child leaves with _exit, running none of the parent's
// destructors.
template <class Work>
std::vector<int> in_processes_at_once(int count, Work work) {
  int start[2];
  if (pipe(start) != 0) return {};
  std::vector<pid_t> children;
  for (int i = 0; i < count; ++i) {
    const pid_t child = fork();
    if (child < 0) break;
    if (child == 0) {
      close(start[1]);
      char ignored;
      (void)!read(start[0], &ignored, 1);
      _exit(work(i));
    }
    children.push_back(child);
  }
  close(start[0]);
  close(start[1]);
  std::vector<int> codes;
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return codes;
}

}  // namespace nodelock::server::testing
