#include "nodelock_process.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>

#include "address_sanitizer.h"

extern char** environ;

namespace nodelock::dongle::testing {
namespace {

std::string contents(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The environment of this process; under AddressSanitizer, with the check
// that its runtime is loaded first switched off (address_sanitizer.h).
std::vector<std::string> child_environment() {
  std::vector<std::string> environment;
  std::string sanitizer_options;
  constexpr std::string_view kSanitizerOptions = "ASAN_OPTIONS=";
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    if (text.substr(0, kSanitizerOptions.size()) == kSanitizerOptions) {
      sanitizer_options = text.substr(kSanitizerOptions.size());
    } else {
      environment.emplace_back(text);
    }
  }
  if (address_sanitizer) {
    sanitizer_options +=
        (sanitizer_options.empty() ? "" : ":") + std::string("verify_asan_link_order=0");
  }
  if (!sanitizer_options.empty()) {
    environment.push_back(std::string(kSanitizerOptions) + sanitizer_options);
  }
  return environment;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const char* out_path, const char* err_path, RunAs user, char** argv,
                             char** environment) {
  const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
    _exit(126);
  if (user == RunAs::unprivileged_user && geteuid() == 0) {
    constexpr gid_t kNobody = 65534;
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(126);
  }
  execve(argv[0], argv, environment);
  _exit(127);
}

}  // namespace

ProcessResult run_nodelock(const std::vector<std::string>& arguments, RunAs user) {
  std::mt19937_64 random(std::random_device{}());
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("nodelock-dongle-cli-" + std::to_string(random()));
  std::filesystem::create_directories(scratch);
  const std::string out_path = (scratch / "out").string();
  const std::string err_path = (scratch / "err").string();

  std::vector<std::string> argv_text = {std::string(NODELOCK_BINARY_DIR) + "/cli/nodelock"};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : argv_text) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment_text = child_environment();
  std::vector<char*> environment;
  for (std::string& entry : environment_text) environment.push_back(entry.data());
  environment.push_back(nullptr);

  ProcessResult result;
  const pid_t child = fork();
  if (child == 0)
    exec_child(out_path.c_str(), err_path.c_str(), user, argv.data(), environment.data());
  int status = 0;
  while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (child > 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = contents(out_path);
  result.err = child > 0 ? contents(err_path) : "cannot start " + argv_text[0];
  std::filesystem::remove_all(scratch);
  return result;
}

}  // namespace nodelock::dongle::testing
