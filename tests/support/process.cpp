#include "process.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <thread>

extern char** environ;

namespace nodelock::testing {
namespace {

using Clock = std::chrono::steady_clock;

// This process's environment with `changes` ("NAME=value") replacing or added.
std::vector<std::string> child_environment(const std::vector<std::string>& changes) {
  std::vector<std::string> environment;
  const auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    bool replaced = false;
    for (const std::string& change : changes) replaced |= name_of(change) == name_of(text);
    if (!replaced) environment.emplace_back(text);
  }
  environment.insert(environment.end(), changes.begin(), changes.end());
  return environment;
}

std::vector<char*> pointers_to(std::vector<std::string>& words) {
  std::vector<char*> pointers;
  for (std::string& word : words) pointers.push_back(word.data());
  pointers.push_back(nullptr);
  return pointers;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const char* out_path, const char* err_path, RunAs user, char** argv,
                             char** environment) {
  const int in = open("/dev/null", O_RDONLY);
  const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (in < 0 || out < 0 || err < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
      dup2(err, STDERR_FILENO) < 0) {
    _exit(126);
  }
  if (user == RunAs::unprivileged_user && geteuid() == 0) {
    constexpr gid_t kNobody = 65534;
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(126);
  }
  execve(argv[0], argv, environment);
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& arguments, const ProcessOptions& options)
    : deadline_(Clock::now() + options.timeout) {
  if (arguments.empty()) return;
  std::vector<std::string> argv_text = arguments;
  std::vector<std::string> environment_text = child_environment(options.environment);
  std::vector<char*> argv = pointers_to(argv_text);
  std::vector<char*> environment = pointers_to(environment_text);
  const std::string out_path = (output_ / "out").string();
  const std::string err_path = (output_ / "err").string();
  pid_ = fork();
  if (pid_ == 0) {
    exec_child(out_path.c_str(), err_path.c_str(), options.user, argv.data(), environment.data());
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds limit) const {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    if (read_text(output_ / "out").find(text) != std::string::npos ||
        read_text(output_ / "err").find(text) != std::string::npos) {
      return true;
    }
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ProcessResult ChildProcess::finish() {
  ProcessResult result;
  if (pid_ <= 0) {
    result.err = "cannot start the child process";
    return result;
  }
  int status = 0;
  // Short naps first: most children are a CLI command done in milliseconds.
  for (std::chrono::microseconds nap(200);;
       nap = std::min(nap * 2, std::chrono::microseconds(20000))) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (Clock::now() > deadline_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(nap);
  }
  pid_ = -1;
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_text(output_ / "out");
  result.err = read_text(output_ / "err");
  return result;
}

ProcessResult run_process(const std::vector<std::string>& arguments,
                          const ProcessOptions& options) {
  return ChildProcess(arguments, options).finish();
}

std::vector<std::string> shell(const std::string& command) { return {"/bin/sh", "-c", command}; }

ProcessResult run_shell(const std::string& command, const ProcessOptions& options) {
  return run_process(shell(command), options);
}

std::filesystem::path nodelock_binary() {
  return std::filesystem::path(NODELOCK_BINARY_DIR) / "cli" / "nodelock";
}

std::filesystem::path server_binary() {
  return std::filesystem::path(NODELOCK_BINARY_DIR) / "server-stub" / "nodelock-server";
}

ProcessResult run_nodelock(const std::vector<std::string>& arguments,
                           const ProcessOptions& options) {
  std::vector<std::string> words = {nodelock_binary().string()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  return run_process(words, options);
}

}  // namespace nodelock::testing
