// A private directory for one test, removed with everything in it afterwards.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace nodelock::server::testing {

class TempDir {
 public:
  TempDir() {
    // mkdtemp replaces the six trailing X with a unique suffix.
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("nodelock-test-" + std::string(6, 'X')))
            .string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace nodelock::server::testing
