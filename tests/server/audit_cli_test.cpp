// `nodelock admin audit list|verify` against a real server: the log names who
// changed what, and verify catches rows edited, deleted or reordered in the
// server's database file while it runs.
#include <sqlite3.h>

#include "database_file.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class AuditCliTest : public ServerTest {
 protected:
  nlohmann::json listed(const std::string& flags = "") {
    ProcessResult run = admin_cli("audit list --json " + flags);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    auto json = nlohmann::json::parse(run.out, nullptr, false);
    return json.is_object() ? json["entries"] : nlohmann::json::array();
  }

  // A few changes through the CLI: a license, its suspension, a viewer token.
  void make_history() {
    ASSERT_EQ(admin_cli("license create --product acme-cad --max-activations 2 --json").exit_code,
              0);
    const std::string id = listed().back()["subject"];
    ASSERT_EQ(admin_cli("license suspend " + id).exit_code, 0);
    ASSERT_EQ(admin_cli("token create --role viewer").exit_code, 0);
    ASSERT_EQ(admin_cli("audit verify").exit_code, 0);
  }

  void tamper(const std::string& sql) {
    EXPECT_EQ(tamper_with_audit_log(server_.data_dir() / "nodelock.db", sql), SQLITE_OK) << sql;
  }
};

TEST_F(AuditCliTest, EveryChangeAndRefusedTokenIsListedWithWhoDidIt) {
  make_history();
  EXPECT_EQ(admin_cli("product list", "nla_not-a-token").exit_code, 1);
  const nlohmann::json entries = listed();
  std::vector<std::string> actions;
  for (const auto& entry : entries) actions.push_back(entry["action"]);
  const std::vector<std::string> expected = {"token.create",   "product.create",
                                             "license.create", "license.state",
                                             "token.create",   "admin.auth_failed"};
  EXPECT_EQ(actions, expected);
  ASSERT_EQ(entries.size(), expected.size());
  EXPECT_EQ(entries[0]["actor"], "server");
  const std::string admin_id = entries[0]["subject"];
  EXPECT_EQ(entries[1]["actor"], admin_id) << "changes name the admin token that made them";
  EXPECT_EQ(entries[3]["before"], nlohmann::json({{"status", "active"}}));
  EXPECT_EQ(entries[3]["after"], nlohmann::json({{"status", "suspended"}}));
  EXPECT_EQ(entries[4]["after"]["role"], "viewer");
  EXPECT_EQ(entries[5]["actor"], "anonymous");
  EXPECT_EQ(entries[5]["subject"], "127.0.0.1");
}

TEST_F(AuditCliTest, ListTakesADateRangeAndWritesCsv) {
  make_history();
  EXPECT_EQ(listed("--from 2000-01-01 --to 2000-12-31").size(), 0u);
  EXPECT_EQ(listed("--from 2000-01-01").size(), 5u);

  ProcessResult csv = admin_cli("audit list --csv");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("sequence,time,actor,action,subject,before,after,hash\n", 0), 0u)
      << csv.out;
  EXPECT_NE(csv.out.find(",license.state,"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("\"{\"\"status\"\":\"\"suspended\"\"}\""), std::string::npos) << csv.out;

  EXPECT_EQ(admin_cli("audit list --from yesterday").exit_code, 2);
  EXPECT_EQ(admin_cli("audit list --csv --json").exit_code, 2);
  EXPECT_EQ(admin_cli("audit verify --csv").exit_code, 2);
}

TEST_F(AuditCliTest, TokenGuessingIsRateLimitedAndCannotFloodTheLog) {
  ApiClient guesser(server_.url(), "nla_guess");
  for (int attempt = 0; attempt < 10; ++attempt) {
    ASSERT_EQ(guesser.get("/v1/licenses").status, 401) << "attempt " << attempt;
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    Reply limited = guesser.get("/v1/licenses");
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.code(), "rate_limited");
  }
  int refused = 0;
  for (const auto& entry : listed()) refused += entry["action"] == "admin.auth_failed";
  EXPECT_EQ(refused, 10);
}

TEST_F(AuditCliTest, ViewersMayNotReadTheLog) {
  ProcessResult token = admin_cli("token create --role viewer --json");
  ASSERT_EQ(token.exit_code, 0);
  const std::string viewer = nlohmann::json::parse(token.out)["token"];
  EXPECT_EQ(admin_cli("audit list", viewer).exit_code, 1);
  EXPECT_EQ(admin_cli("audit verify", viewer).exit_code, 1);
}

TEST_F(AuditCliTest, VerifyCatchesAnEditedEntry) {
  make_history();
  tamper("UPDATE audit_log SET after = '{\"status\":\"active\"}' WHERE action = 'license.state'");
  ProcessResult verified = admin_cli("audit verify");
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_NE(verified.out.find("entry 4 was edited"), std::string::npos) << verified.out;
}

TEST_F(AuditCliTest, VerifyCatchesADeletedEntry) {
  make_history();
  tamper("DELETE FROM audit_log WHERE sequence = 2");
  ProcessResult verified = admin_cli("audit verify --json");
  EXPECT_EQ(verified.exit_code, 1);
  const auto result = nlohmann::json::parse(verified.out);
  EXPECT_EQ(result["intact"], false);
  EXPECT_EQ(result["broken"]["kind"], "deleted");
  EXPECT_EQ(result["broken"]["sequence"], 3);
}

TEST_F(AuditCliTest, VerifyCatchesReorderedEntries) {
  make_history();
  tamper(
      "UPDATE audit_log SET sequence = 100 WHERE sequence = 2; "
      "UPDATE audit_log SET sequence = 2 WHERE sequence = 3; "
      "UPDATE audit_log SET sequence = 3 WHERE sequence = 100;");
  ProcessResult verified = admin_cli("audit verify");
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_NE(verified.out.find("entry 2 was reordered"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace nodelock::server::testing
