#include "fixture_hosts.h"

namespace nodelock::testing {

std::filesystem::path fixture_host(const std::string& name) {
  return std::filesystem::path(NODELOCK_TESTS_DIR) / "fixtures" / "hosts" / name;
}

}  // namespace nodelock::testing
