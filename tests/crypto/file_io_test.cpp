// Every file nodelock reads goes through read_file: a path that is not a
// regular file (a FIFO that would block the CLI for ever, a directory) is
// refused at once with a message naming it.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "nodelock/crypto/file_io.h"
#include "temp_dir.h"

namespace nodelock {
namespace {

using testing::TempDir;

TEST(ReadFile, AFifoIsRefusedAtOnceInsteadOfWaitingForAWriter) {
  const TempDir dir;
  const std::filesystem::path fifo = dir.path() / "response.nlresp";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reading = std::async(std::launch::async, [&] { return read_file(fifo); });
  ASSERT_EQ(reading.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "read_file blocked on a FIFO";
  const Result<std::string> read = reading.get();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.code(), ErrorCode::io_error);
  EXPECT_NE(read.message().find(fifo.string()), std::string::npos) << read.message();
  EXPECT_NE(read.message().find("not a regular file"), std::string::npos) << read.message();
}

TEST(ReadFile, ADirectoryIsRefusedNamingIt) {
  const TempDir dir;
  const Result<std::string> read = read_file(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.code(), ErrorCode::io_error);
  EXPECT_NE(read.message().find("not a regular file"), std::string::npos) << read.message();
}

TEST(ReadFile, ARegularFileAndASymlinkToOneAreRead) {
  const TempDir dir;
  testing::write_text(dir.path() / "license.nllic", "contents");
  std::filesystem::create_symlink(dir.path() / "license.nllic", dir.path() / "link");
  for (const char* name : {"license.nllic", "link"}) {
    const Result<std::string> read = read_file(dir.path() / name);
    ASSERT_TRUE(read.ok()) << name << ": " << read.message();
    EXPECT_EQ(*read, "contents") << name;
  }
}

}  // namespace
}  // namespace nodelock
