#include "offline_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nodelock::offline::testing {

namespace fs = std::filesystem;

namespace {

// Whether this kernel lets us make a network namespace. Only the kernel's
// refusal skips the tests: a missing unshare(1) is a broken setup and fails.
struct NamespaceSupport {
  bool available = false;
  bool kernel_refused = false;
  std::string reason;
};

const NamespaceSupport& namespace_support() {
  static const NamespaceSupport support = [] {
    NamespaceSupport result;
    const int status = std::system("unshare -rn true >/dev/null 2>&1");
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 0) {
      result.available = true;
      return result;
    }
    const int missing = std::system("command -v unshare >/dev/null 2>&1");
    if (missing != 0) {
      result.reason = "unshare(1) is not installed (util-linux); the air-gapped tests need it";
      return result;
    }
    result.kernel_refused = true;
    result.reason = "the kernel refused `unshare -rn` (user or network namespaces disabled)";
    return result;
  }();
  return support;
}

}  // namespace

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

DirectoryState state_of(const fs::path& directory) {
  DirectoryState state;
  std::error_code error;
  if (!fs::exists(directory, error)) return state;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) {
      state[fs::relative(entry.path(), directory).string()] = read_text(entry.path());
    }
  }
  return state;
}

void OfflineTest::SetUp() {
  ServerTest::SetUp();
  const NamespaceSupport& support = namespace_support();
  if (!support.available) {
    if (support.kernel_refused) GTEST_SKIP() << support.reason;
    FAIL() << support.reason;
  }
}

SiteMachine OfflineTest::machine(const std::string& host) const {
  return {fs::path(NODELOCK_TESTS_DIR) / "fixtures" / "hosts" / host, work_ / ("store-" + host)};
}

std::vector<std::string> OfflineTest::on(const SiteMachine& machine,
                                         std::vector<std::string> words) const {
  words.insert(words.end(), {"--store", machine.store.string(), "--sysroot",
                             machine.sysroot.string(), "--product", kProduct});
  return words;
}

CliRun OfflineTest::air_gapped(const std::vector<std::string>& words) const {
  std::vector<std::string> argv = {"unshare", "-rn", server::testing::cli_binary().string()};
  argv.insert(argv.end(), words.begin(), words.end());
  return run(argv);
}

CliRun OfflineTest::connected(const std::vector<std::string>& words) const {
  std::vector<std::string> argv = {server::testing::cli_binary().string()};
  argv.insert(argv.end(), words.begin(), words.end());
  return run(argv);
}

CliRun OfflineTest::run(std::vector<std::string> argv) const {
  const fs::path out = work_ / "cli.stdout";
  const fs::path err = work_ / "cli.stderr";
  const pid_t child = fork();
  if (child == 0) {
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<char*> words;
    for (std::string& word : argv) words.push_back(word.data());
    words.push_back(nullptr);
    execvp(words[0], words.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CliRun result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

void OfflineTest::request(const SiteMachine& on_machine, const std::string& key,
                          const fs::path& out) const {
  const CliRun made =
      air_gapped(on(on_machine, {"offline", "request", "--key", key, "--out", out.string()}));
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

void OfflineTest::respond(const fs::path& request, const fs::path& out) const {
  const CliRun answered = respond_run(request, out);
  ASSERT_EQ(answered.exit_code, 0) << answered.err;
}

void OfflineTest::install(const SiteMachine& on_machine, const fs::path& response) const {
  const CliRun installed = air_gapped(on(on_machine, {"offline", "install", response.string()}));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
}

CliRun OfflineTest::respond_run(const fs::path& in, const fs::path& out) const {
  return connected({"offline", "respond", in.string(), "--server", server_.url(), "--token",
                    server_.admin_token(), "--out", out.string()});
}

CliRun OfflineTest::submit_receipt(const fs::path& receipt) const {
  return connected({"admin", "deactivate", "--receipt", receipt.string(), "--server", server_.url(),
                    "--token", server_.admin_token()});
}

int OfflineTest::seats_used(const std::string& license_id) {
  const Reply details = license_details(license_id);
  EXPECT_EQ(details.status, 200) << details.body.dump();
  return details.body["seats"].value("used", -1);
}

}  // namespace nodelock::offline::testing
