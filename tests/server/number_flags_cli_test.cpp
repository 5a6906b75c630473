// Numbers and dates typed by people: a bad one on the command line is a usage
// error (exit 2, one line on stderr naming the flag and what was given) that
// changes nothing; a bad one in a query is a 400 in the error envelope.
#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class NumberFlagsCliTest : public ServerTest {
 protected:
  // `nodelock admin <words>` with stderr as the output, for its message.
  ProcessResult admin_merged(const std::string& words) {
    return run_shell("(" + nodelock_binary().string() + " admin " + words + " --server " +
                     server_.url() + " --token " + server_.admin_token() + " 2>&1)");
  }

  std::size_t license_count() {
    Reply listed = admin().get("/v1/licenses");
    EXPECT_EQ(listed.status, 200) << listed.body.dump();
    return listed.body["licenses"].size();
  }

  // Expects `words` refused as a usage error whose one line names `flag` and
  // quotes `given`, with no license created.
  void expect_usage_error(const std::string& words, const std::string& flag,
                          const std::string& given) {
    const ProcessResult run = admin_merged(words);
    EXPECT_EQ(run.exit_code, 2) << words << "\n" << run.out;
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << words << "\n" << run.out;
    EXPECT_NE(run.out.find(flag), std::string::npos) << words << "\n" << run.out;
    EXPECT_NE(run.out.find("got '" + given + "'"), std::string::npos) << words << "\n" << run.out;
    EXPECT_EQ(license_count(), 0u) << words << " created a license";
  }
};

TEST_F(NumberFlagsCliTest, AnExpiryBeyondAnyNumberIsAUsageErrorAndCreatesNothing) {
  const ProcessResult run = admin_cli(
      "license create --product acme-cad --max-activations 3 --expires 99999999999999999999");
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_EQ(license_count(), 0u);
}

TEST_F(NumberFlagsCliTest, MalformedCountsOfLicenseCreateAreUsageErrors) {
  struct Case {
    std::string flag, value, shown;  // `value` as the shell reads it; `shown` in the message
  };
  const std::string fullwidth_five = "\"$(printf '\\357\\274\\225')\"";
  for (const Case& bad : std::vector<Case>{
           {"--seats", "1e3", "1e3"},
           {"--seats", "' 5'", " 5"},
           {"--seats", "'5 '", "5 "},
           {"--seats", "5x", "5x"},
           {"--seats", "-1", "-1"},
           {"--seats", "+5", "+5"},
           {"--seats", "5.0", "5.0"},
           {"--seats", "0x10", "0x10"},
           {"--seats", "''", ""},
           {"--seats", "99999999999999999999", "99999999999999999999"},
           {"--lease-ttl", "99999999999999999999", "99999999999999999999"},
           {"--grace-seats", "9223372036854775808", "9223372036854775808"},
           {"--max-borrow-days", "3d", "3d"},
           {"--trial-days", fullwidth_five, "\\xef\\xbc\\x95"},
       }) {
    expect_usage_error(
        "license create --product acme-cad --model floating " + bad.flag + " " + bad.value,
        bad.flag, bad.shown);
  }
}

TEST_F(NumberFlagsCliTest, ABadDateIsAUsageErrorNotATamperedFile) {
  const std::string create = "license create --product acme-cad --max-activations 3 ";
  for (const auto& [flags, given] : std::vector<std::pair<std::string, std::string>>{
           {"--expires 2026-02-30", "2026-02-30"},
           {"--expires 2026-13-01", "2026-13-01"},
           {"--expires tomorrow", "tomorrow"},
           {"--expires 31.12.2030", "31.12.2030"},
           {"--expires -1", "-1"},
           {"--maintenance-end 2030-1-1", "2030-1-1"}}) {
    expect_usage_error(create + flags, flags.substr(0, flags.find(' ')), given);
  }
}

TEST_F(NumberFlagsCliTest, GoodNumbersAndDatesStillCreateTheLicense) {
  ProcessResult created = admin_cli(
      "license create --product acme-cad --model floating --seats 05 --lease-ttl 600 "
      "--expires 2099-12-31 --json");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  const auto license = license_details(json_of(created)["id"]).body["license"];
  EXPECT_EQ(license["max_activations"], 5) << "a leading zero is decimal";
  EXPECT_EQ(license["expires_at"], 4102444799) << "the last second of 2099-12-31, UTC";
}

// The CLI reads counts up to what the API carries; the license's own limits
// are the server's, and its refusal is a usage error too.
TEST_F(NumberFlagsCliTest, CountsBeyondTheLicensesLimitsAreRefusedByTheServerAsUsageErrors) {
  for (const std::string flags : {"--seats 0", "--seats 1000001", "--lease-ttl 999999999",
                                  "--seats 3 --max-borrow-days 366"}) {
    const ProcessResult run =
        admin_merged("license create --product acme-cad --model floating " + flags);
    EXPECT_EQ(run.exit_code, 2) << flags << "\n" << run.out;
    EXPECT_EQ(license_count(), 0u) << flags;
  }
}

TEST_F(NumberFlagsCliTest, ProjectTokenCountsAreCheckedLikeAnyNumber) {
  expect_usage_error(
      "license create --product acme-cad --model floating --seat-scope project "
      "--project-tokens team=1e3",
      "--project-tokens team", "1e3");
}

TEST_F(NumberFlagsCliTest, LimitsOfSupportCommandsAreCheckedBeforeTheServerIsAsked) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  for (const std::string given : {"99999999999999999999", "-3", "3x"}) {
    const ProcessResult run =
        admin_merged("license set-limit " + license.id + " --max-activations " + given);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("got '" + given + "'"), std::string::npos) << run.out;
  }
  EXPECT_EQ(license_details(license.id).body["license"]["max_activations"], 2);
}

TEST_F(NumberFlagsCliTest, ReportAndAuditRangesTakeOnlyADateOrUnixSeconds) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  for (const std::string given :
       {"2026-02-30", "yesterday", "99999999999999999999", "2026-01-01&license=x"}) {
    for (const std::string& words :
         {"audit list --from '" + given + "'", "alerts --to '" + given + "'",
          "report summary --license " + license.id + " --from '" + given + "'"}) {
      const ProcessResult run = admin_merged(words);
      EXPECT_EQ(run.exit_code, 2) << words << "\n" << run.out;
      EXPECT_NE(run.out.find("got '" + given + "'"), std::string::npos) << words << run.out;
    }
  }
  EXPECT_EQ(admin_cli("audit list --from 2026-01-01 --to 4102444800").exit_code, 0);
}

TEST_F(NumberFlagsCliTest, LeaseFlagsRefuseMalformedNumbers) {
  const TempDir store;
  const std::string lease = nodelock_binary().string() + " lease ";
  const std::string where = " --product acme-cad --store " + store.path().string() + " 2>&1)";
  for (const std::string days : {"1e3", "' 3'", "0", "-2", "99999999999999999999"}) {
    const ProcessResult run = run_shell("(" + lease + "borrow --days " + days + where);
    EXPECT_EQ(run.exit_code, 2) << days << ": " << run.out;
    EXPECT_NE(run.out.find("--days"), std::string::npos) << run.out;
  }
  for (const std::string timeout : {"' 5'", "5s", "+5", "604801", "99999999999999999999"}) {
    const ProcessResult run = run_shell("(" + lease + "checkout --key K --server " + server_.url() +
                                        " --wait --wait-timeout " + timeout + where);
    EXPECT_EQ(run.exit_code, 2) << timeout << ": " << run.out;
    EXPECT_NE(run.out.find("--wait-timeout"), std::string::npos) << run.out;
  }
}

TEST_F(NumberFlagsCliTest, BadNumbersInQueriesAreA400InTheEnvelope) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const std::string listing = "/v1/licenses/" + license.id + "/activations";
  for (const std::string& query : std::vector<std::string>{
           listing + "?limit=%205", listing + "?limit=5%20", listing + "?limit=%2B5",
           listing + "?limit=1e3", listing + "?limit=5x", listing + "?limit=99999999999999999999",
           listing + "?limit=%C3%A9", "/v1/audit?from=2026-02-30",
           "/v1/audit?to=99999999999999999999", "/v1/audit?from=%E2%82%AC", "/v1/alerts?to=-1",
           "/v1/licenses/" + license.id + "/report/summary?from=1e9"}) {
    Reply refused = admin().get(query);
    EXPECT_EQ(refused.status, 400) << query << ": " << refused.body.dump();
    EXPECT_EQ(refused.code(), "invalid_argument") << query;
    EXPECT_TRUE(refused.body["error"]["message"].is_string()) << query;
  }
  EXPECT_EQ(admin().get(listing + "?limit=007").status, 200);
  EXPECT_EQ(admin().get("/v1/health").status, 200);
}

TEST(ServerNumberFlags, MalformedNumericOptionsAreUsageErrors) {
  const TempDir data;
  const std::string serve =
      "timeout 20 " + server_binary().string() + " serve --data " + (data / "d").string() + " ";
  for (const std::string flags :
       {"--listen 127.0.0.1:99999999999999999999", "--listen 127.0.0.1:65536",
        "--listen '127.0.0.1: 80'", "--listen 127.0.0.1:+0",
        "--listen 127.0.0.1:", "--listen 127.0.0.1:0 --threads ' 8'",
        "--listen 127.0.0.1:0 --threads 8x", "--listen 127.0.0.1:0 --request-window 1e3",
        "--listen 127.0.0.1:0 --lease-flush-interval 61",
        "--listen 127.0.0.1:0 --transfer-hold 99999999999999999999"}) {
    const ProcessResult run = run_shell("(" + serve + flags + " 2>&1)");
    EXPECT_EQ(run.exit_code, 2) << flags << "\n" << run.out;
    EXPECT_NE(run.out.find("got '"), std::string::npos) << flags << "\n" << run.out;
  }
  EXPECT_FALSE(std::filesystem::exists(data / "d")) << "a refused start initialised its data";
}

}  // namespace
}  // namespace nodelock::server::testing
