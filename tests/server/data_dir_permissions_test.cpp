// The server's data directory is its user's alone: the directory 0700, the
// vendor key, the key pepper and the SQLite files 0600, and a server refuses
// to start on secrets other users could have read, saying what to chmod.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "test_toolkit.h"

namespace nodelock::server::testing {
namespace {

namespace fs = std::filesystem;

// `nodelock-server <command> --data DIR`. A server that starts after all is
// stopped at the timeout, and the test fails on the exit code.
ProcessResult run_server(const std::string& command, const fs::path& dir) {
  nodelock::testing::ProcessOptions options;
  options.timeout = std::chrono::seconds(5);
  std::vector<std::string> words = {server_binary().string(), command, "--data", dir.string()};
  if (command == "serve") words.insert(words.end(), {"--listen", "127.0.0.1:0"});
  return run_process(words, options);
}

void set_mode(const fs::path& path, unsigned mode) {
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

TEST(DataDirPermissions, AFreshDataDirAndItsDatabaseAreTheServersAlone) {
  ServerProcess server;
  ASSERT_FALSE(server.url().empty());
  const fs::path dir = server.data_dir();
  EXPECT_EQ(file_mode(dir), 0700u);
  EXPECT_EQ(file_mode(dir / "vendor.key"), 0600u);
  EXPECT_EQ(file_mode(dir / "key.pepper"), 0600u);
  for (const char* database : {"nodelock.db", "nodelock.db-wal", "nodelock.db-shm"}) {
    SCOPED_TRACE(database);
    ASSERT_TRUE(fs::exists(dir / database));
    EXPECT_EQ(file_mode(dir / database), 0600u);
  }
}

TEST(DataDirPermissions, ADatabaseOthersCouldReadIsMadePrivateOnStart) {
  TempDir root;
  const fs::path dir = root / "data";
  { ServerProcess first({dir, {}}); }
  set_mode(dir / "nodelock.db", 0644);
  ServerProcess again({dir, {}});
  ASSERT_FALSE(again.url().empty());
  EXPECT_EQ(file_mode(dir / "nodelock.db"), 0600u);
  EXPECT_EQ(file_mode(dir / "nodelock.db-wal"), 0600u);
}

TEST(DataDirPermissions, AnOpenDirectoryOrSecretStopsTheServerSayingWhatToChmod) {
  TempDir root;
  const fs::path dir = root / "data";
  { ServerProcess first({dir, {}}); }
  struct Opening {
    fs::path path;
    unsigned open_mode;
    unsigned private_mode;
    std::string repair;
  };
  const Opening openings[] = {
      {dir, 0755, 0700, "chmod 700 " + dir.string()},
      {dir / "vendor.key", 0644, 0600, "chmod 600 " + (dir / "vendor.key").string()},
      {dir / "key.pepper", 0640, 0600, "chmod 600 " + (dir / "key.pepper").string()},
  };
  for (const Opening& opening : openings) {
    SCOPED_TRACE(opening.path);
    set_mode(opening.path, opening.open_mode);
    ProcessResult refused = run_server("serve", dir);
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_NE(refused.err.find("open to other users"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(opening.repair), std::string::npos) << refused.err;
    EXPECT_EQ(refused.out.find("listening on"), std::string::npos);
    set_mode(opening.path, opening.private_mode);
  }
  ServerProcess repaired({dir, {}});
  EXPECT_FALSE(repaired.url().empty());
}

TEST(DataDirPermissions, InitRefusesADirectoryOpenToOthersAndWritesNothingInIt) {
  TempDir root;
  const fs::path dir = root / "data";
  ASSERT_TRUE(fs::create_directory(dir));
  set_mode(dir, 0755);
  ProcessResult refused = run_server("init", dir);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("chmod 700 " + dir.string()), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::is_empty(dir));

  set_mode(dir, 0700);
  EXPECT_EQ(run_server("init", dir).exit_code, 0);
}

}  // namespace
}  // namespace nodelock::server::testing
