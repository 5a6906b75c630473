// How both programs answer people who ask for help, mistype an option or point
// at a server that is not there: one line that says what to do, the usage when
// asked for, the version, and the store the commands use by default.
#include <algorithm>
#include <regex>
#include <string>

#include "nodelock/crypto/version.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

long lines_in(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

class CliUsageTest : public ServerTest {};

TEST_F(CliUsageTest, AnUnknownOptionIsOneLineThatSuggestsTheNearestOne) {
  const ProcessResult status = run_nodelock({"status", "--prodct", "acme-cad"});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_EQ(lines_in(status.err), 1) << status.err;
  EXPECT_TRUE(contains(status.err, "unknown option --prodct; did you mean --product?"))
      << status.err;

  const ProcessResult admin = run_nodelock(
      {"admin", "product", "list", "--sever", server_.url(), "--token", server_.admin_token()});
  EXPECT_EQ(admin.exit_code, 2);
  EXPECT_EQ(lines_in(admin.err), 1) << admin.err;
  EXPECT_TRUE(contains(admin.err, "did you mean --server?")) << admin.err;

  const ProcessResult far_off = run_nodelock({"status", "--xyzzy"});
  EXPECT_EQ(far_off.exit_code, 2);
  EXPECT_EQ(lines_in(far_off.err), 1) << far_off.err;
  EXPECT_FALSE(contains(far_off.err, "did you mean")) << far_off.err;
}

// Bytes that are not UTF-8 in a licensee once aborted the CLI when it wrote
// the request body (exit 134).
TEST_F(CliUsageTest, AnArgumentThatIsNotUtf8IsAUsageErrorAndCreatesNothing) {
  const ProcessResult created =
      run_nodelock({"admin", "license", "create", "--product", "acme-cad", "--licensee",
                    "M\xFCller GmbH", "--server", server_.url(), "--token", server_.admin_token()});
  EXPECT_EQ(created.exit_code, 2) << created.err;
  EXPECT_EQ(lines_in(created.err), 1) << created.err;
  EXPECT_TRUE(contains(created.err, "argument 7 is not valid UTF-8")) << created.err;
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), 0u);
  EXPECT_EQ(run_nodelock({"status", "--store", "/tmp/\xC0\xAF"}).exit_code, 2);
}

TEST_F(CliUsageTest, AdminCommandsToAServerThatIsNotThereAdviseCheckingTheServer) {
  const std::string url = server_.url();
  const IssuedKey issued = license("--max-activations 1");
  server_.terminate();

  const ProcessResult admin =
      run_nodelock({"admin", "product", "list", "--server", url, "--token", "nla_x"});
  EXPECT_EQ(admin.exit_code, 3) << admin.err;
  EXPECT_TRUE(contains(admin.err, "Check the --server URL, and that nodelock-server runs there"))
      << admin.err;
  EXPECT_FALSE(contains(admin.err, "offline request")) << admin.err;

  Machine desktop{kDesktop, {}};
  const ProcessResult activated = ServerTest::activate(desktop, issued.key);
  EXPECT_EQ(activated.exit_code, 3) << activated.err;
  EXPECT_TRUE(contains(activated.err, "activated offline with `nodelock offline request`"))
      << activated.err;
}

TEST_F(CliUsageTest, ServeAndInitAnswerHelpWithTheirUsage) {
  for (const char* command : {"serve", "init"}) {
    const ProcessResult help = run_process({server_binary().string(), command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_TRUE(contains(help.out, "nodelock-server serve --data DIR")) << help.out;
    EXPECT_TRUE(help.err.empty()) << help.err;
  }
}

TEST_F(CliUsageTest, BothProgramsTellTheirVersion) {
  const std::regex version(R"(\d+\.\d+\.\d+\n)");
  const ProcessResult client = run_nodelock({"--version"});
  EXPECT_EQ(client.exit_code, 0);
  EXPECT_TRUE(client.out.rfind("nodelock ", 0) == 0 &&
              std::regex_match(client.out.substr(9), version))
      << client.out;
  const ProcessResult server = run_process({server_binary().string(), "--version"});
  EXPECT_EQ(server.exit_code, 0);
  EXPECT_TRUE(server.out.rfind("nodelock-server ", 0) == 0 &&
              std::regex_match(server.out.substr(16), version))
      << server.out;
  EXPECT_EQ(client.out.substr(9), server.out.substr(16)) << "one project version";
  EXPECT_EQ(client.out, std::string("nodelock ") + NODELOCK_VERSION_STRING + "\n")
      << "the version an application compiles against (nodelock/crypto/version.h)";
  EXPECT_EQ(NODELOCK_VERSION_STRING, std::to_string(NODELOCK_VERSION_MAJOR) + "." +
                                         std::to_string(NODELOCK_VERSION_MINOR) + "." +
                                         std::to_string(NODELOCK_VERSION_PATCH));
  EXPECT_EQ(NODELOCK_VERSION_NUMBER,
            NODELOCK_VERSION_MAJOR * 10000 + NODELOCK_VERSION_MINOR * 100 + NODELOCK_VERSION_PATCH);
}

TEST_F(CliUsageTest, HelpNamesTheDefaultStore) {
  const TempDir store;
  const std::string environment = "NODELOCK_STORE=" + store.path().string() + " ";
  const ProcessResult overview = run_shell(environment + nodelock_binary().string() + " --help");
  EXPECT_TRUE(contains(overview.out, "Default store: " + store.path().string())) << overview.out;
  const ProcessResult status =
      run_shell(environment + nodelock_binary().string() + " status --help");
  EXPECT_TRUE(contains(status.out, "Default store: " + store.path().string())) << status.out;
}

}  // namespace
}  // namespace nodelock::server::testing
