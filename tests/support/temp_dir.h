// A directory of its own for one test, removed with everything in it when the
// test ends; tests running in parallel never share one.
#pragma once

#include <filesystem>
#include <string>

namespace nodelock::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The whole content of a file, or "" when it cannot be read.
std::string read_text(const std::filesystem::path& path);
// Fails the test when the file cannot be written.
void write_text(const std::filesystem::path& path, const std::string& text);

// The permission bits of a file, e.g. 0600.
unsigned file_mode(const std::filesystem::path& path);

}  // namespace nodelock::testing
