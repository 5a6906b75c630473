#include "offline_fixture.h"

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
    if (nodelock::testing::run_shell("unshare -rn true").exit_code == 0) {
      result.available = true;
      return result;
    }
    if (nodelock::testing::run_shell("command -v unshare").exit_code != 0) {
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
  return {nodelock::testing::fixture_host(host), work_ / ("store-" + host)};
}

std::vector<std::string> OfflineTest::on(const SiteMachine& machine,
                                         std::vector<std::string> words) const {
  words.insert(words.end(), {"--store", machine.store.string(), "--sysroot",
                             machine.sysroot.string(), "--product", kProduct});
  return words;
}

ProcessResult OfflineTest::air_gapped(const std::vector<std::string>& words) const {
  // env finds unshare(1) on PATH.
  std::vector<std::string> argv = {"/usr/bin/env", "unshare", "-rn",
                                   nodelock::testing::nodelock_binary().string()};
  argv.insert(argv.end(), words.begin(), words.end());
  return nodelock::testing::run_process(argv);
}

ProcessResult OfflineTest::connected(const std::vector<std::string>& words) const {
  return nodelock::testing::run_nodelock(words);
}

void OfflineTest::request(const SiteMachine& on_machine, const std::string& key,
                          const fs::path& out) const {
  const ProcessResult made =
      air_gapped(on(on_machine, {"offline", "request", "--key", key, "--out", out.string()}));
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

void OfflineTest::respond(const fs::path& request, const fs::path& out) const {
  const ProcessResult answered = respond_run(request, out);
  ASSERT_EQ(answered.exit_code, 0) << answered.err;
}

void OfflineTest::install(const SiteMachine& on_machine, const fs::path& response) const {
  const ProcessResult installed =
      air_gapped(on(on_machine, {"offline", "install", response.string()}));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
}

ProcessResult OfflineTest::respond_run(const fs::path& in, const fs::path& out) const {
  return connected({"offline", "respond", in.string(), "--server", server_.url(), "--token",
                    server_.admin_token(), "--out", out.string()});
}

ProcessResult OfflineTest::submit_receipt(const fs::path& receipt) const {
  return connected({"admin", "deactivate", "--receipt", receipt.string(), "--server", server_.url(),
                    "--token", server_.admin_token()});
}

int OfflineTest::seats_used(const std::string& license_id) {
  const Reply details = license_details(license_id);
  EXPECT_EQ(details.status, 200) << details.body.dump();
  return details.body["seats"].value("used", -1);
}

std::string OfflineTest::site_license_file(nlohmann::json order) {
  order["product"] = kProduct;
  order["model"] = "site";
  order["offline_only"] = true;
  const Reply site = admin().post("/v1/licenses", order);
  EXPECT_EQ(site.status, 201) << site.body.dump();
  const fs::path out = work_ / "acme-hq.nlsite";
  const ProcessResult written =
      admin_cli("license site-file --license " + site.body.value("id", "") +
                " --site-id acme-hq --out " + out.string());
  EXPECT_EQ(written.exit_code, 0) << written.err;
  return read_text(out);
}

}  // namespace nodelock::offline::testing
