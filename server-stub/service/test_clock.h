// The test clock: with NODELOCK_TEST_CLOCK=<file> set, nodelock-server takes
// the time from the file (one Unix time in seconds) instead of the system
// clock, so a test moves time past a lease's TTL, a seat's reclaim threshold
// or a license's expiry instead of sleeping through it (docs/TESTING.md).
//
// For the test suites only: a server whose clock can be set hands out leases
// that never expire and reclaims no seat. So the variable, once set, must name
// a file that holds one Unix time and nothing else, that belongs to the user
// the server runs as and that no one else may write, and the server must
// listen on a loopback address; otherwise it refuses to start. An empty value
// is refused too, rather than read as "off".
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

inline constexpr const char* kTestClockVariable = "NODELOCK_TEST_CLOCK";

class TestClock {
 public:
  // Errors: invalid_argument, saying which condition above `file` or
  // `listen_host` breaks.
  [[nodiscard]] static Result<std::shared_ptr<TestClock>> open(const std::string& file,
                                                               const std::string& listen_host);

  // The file's time; while the file cannot be read or parsed (a test replacing
  // it), the last time read.
  UnixTime now() const;

 private:
  TestClock(std::filesystem::path file, UnixTime start) : file_(std::move(file)), last_(start) {}

  const std::filesystem::path file_;
  mutable std::atomic<UnixTime> last_;
};

}  // namespace nodelock::server
