// Runs the built `nodelock` as a child process, as an installer would. The
// child inherits the emulated bus: umockdev's preload library and the testbed
// it points to are in its environment.
#pragma once

#include <string>
#include <vector>

namespace nodelock::dongle::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

enum class RunAs {
  this_user,
  // Another user than this one: when the tests run as root (who may open any
  // device node), the child drops to nobody (uid and gid 65534).
  unprivileged_user,
};

ProcessResult run_nodelock(const std::vector<std::string>& arguments,
                           RunAs user = RunAs::this_user);

}  // namespace nodelock::dongle::testing
