// The fingerprint's readers of /proc, /sys and /etc text, run by collect() on
// a system tree. The input is the text of the files below, in this order,
// separated by NUL bytes; every run writes all of them (a missing part as an
// empty file) into one temporary tree, so a run depends on its input only.
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "nodelock/fingerprint/collect.h"

namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 8> kFiles = {
    "proc/cpuinfo",
    "proc/self/mountinfo",
    "proc/1/cgroup",
    "etc/machine-id",
    "sys/class/dmi/id/sys_vendor",
    "sys/class/dmi/id/product_uuid",
    "sys/class/dmi/id/board_serial",
    "sys/class/net/eth0/address",
};

const fs::path& tree() {
  static const fs::path root = [] {
    std::string pattern = (fs::temp_directory_path() / "nodelock-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    for (const char* file : kFiles)
      fs::create_directories((fs::path(pattern) / file).parent_path());
    return fs::path(pattern);
  }();
  return root;
}

void remove_tree() { fs::remove_all(tree()); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tree();
  std::atexit(remove_tree);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (const char* file : kFiles) {
    const auto end = rest.find('\0');
    std::ofstream(tree() / file, std::ios::binary | std::ios::trunc) << rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  nodelock::fingerprint::CollectOptions options;
  options.root = tree();
  (void)nodelock::fingerprint::collect(options);
  return 0;
}
