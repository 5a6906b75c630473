// Runs a program as a child process and captures what it prints and how it
// exits: the built `nodelock` as an installer or a script runs it, and the
// shell commands a few tests need.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace nodelock::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally (a signal, or the timeout)
  std::string out;
  std::string err;
  bool timed_out = false;
};

enum class RunAs {
  this_user,
  // Another user than this one: when the tests run as root (who may open any
  // device node), the child drops to nobody (uid and gid 65534).
  unprivileged_user,
};

struct ProcessOptions {
  // Killed (SIGKILL) after this: a hung child fails its test instead of the suite.
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  RunAs user = RunAs::this_user;
  // "NAME=value" entries set in the child on top of this process's environment.
  std::vector<std::string> environment;
};

// A child process that a test acts on while it runs: its stdout and stderr go
// to files the test may read as they grow.
class ChildProcess {
 public:
  // `arguments[0]` is the program's path; it is not looked up on PATH.
  explicit ChildProcess(const std::vector<std::string>& arguments,
                        const ProcessOptions& options = {});
  ~ChildProcess();  // kills the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Whether its stdout or stderr shows `text` within `limit`.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) const;
  // Waits for the exit, or kills the child at the options' timeout.
  ProcessResult finish();

 private:
  TempDir output_;
  std::chrono::steady_clock::time_point deadline_;
  pid_t pid_ = -1;
};

// Runs the program to its end; `arguments` as for ChildProcess.
ProcessResult run_process(const std::vector<std::string>& arguments,
                          const ProcessOptions& options = {});

// The arguments that run `command` with /bin/sh -c, for tests that pipe,
// redirect or quote.
std::vector<std::string> shell(const std::string& command);
ProcessResult run_shell(const std::string& command, const ProcessOptions& options = {});

// The built executables.
std::filesystem::path nodelock_binary();
std::filesystem::path server_binary();

// `nodelock <arguments>`.
ProcessResult run_nodelock(const std::vector<std::string>& arguments,
                           const ProcessOptions& options = {});

}  // namespace nodelock::testing
