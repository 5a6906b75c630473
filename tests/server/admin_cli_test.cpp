// `nodelock admin …` as support staff and scripts run it, against a real server.
#include <sys/wait.h>

#include <cstdlib>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using AdminCliTest = ServerTest;

TEST_F(AdminCliTest, LicenseCreateJsonPrintsExactlyIdAndKey) {
  ProcessResult created = admin_cli(
      "license create --product acme-cad --max-activations 3 --features export,render "
      "--expires 2099-12-31 --licensee Example --json");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  const auto json = nlohmann::json::parse(created.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << created.out;
  EXPECT_EQ(json.size(), 2u);
  const std::string id = json["id"];
  const std::string key = json["key"];

  Reply shown = license_details(id);
  EXPECT_EQ(shown.body["license"]["features"], nlohmann::json({"export", "render"}));
  EXPECT_EQ(shown.body["license"]["term"], "subscription");
  EXPECT_EQ(shown.body["license"]["licensee"], "Example");

  ProcessResult listed = admin_cli("license list --product acme-cad");
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(key.substr(24)), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(key), std::string::npos) << "the full key is listed";
}

TEST_F(AdminCliTest, ShowSuspendResumeRevokeAndDevices) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  ApiClient client = anonymous();
  const TestMachine machine;
  Reply granted = activate(client, machine.activation_request(license.key, "acme-cad", unix_now()));
  ASSERT_EQ(granted.status, 200);
  const std::string machine_id = granted.body["machine_id"];

  ProcessResult shown = admin_cli("license show " + license.id);
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("1 of 2"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(machine_id), std::string::npos) << shown.out;

  ProcessResult devices = admin_cli("devices --license " + license.id + " --json");
  EXPECT_EQ(devices.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(devices.out)["activations"][0]["machine_id"], machine_id);

  EXPECT_EQ(admin_cli("license suspend " + license.id).exit_code, 0);
  EXPECT_EQ(license_details(license.id).body["license"]["status"], "suspended");
  EXPECT_EQ(admin_cli("license resume " + license.id).exit_code, 0);
  EXPECT_EQ(admin_cli("license revoke " + license.id).exit_code, 0);
  EXPECT_EQ(admin_cli("license resume " + license.id).exit_code, 1);
}

TEST_F(AdminCliTest, ExitCodesSayWhatWentWrong) {
  EXPECT_EQ(admin_cli("product create --id acme-cad --name Again").exit_code, 1);
  EXPECT_EQ(admin_cli("license show lic_nothing").exit_code, 1);
  EXPECT_EQ(admin_cli("product list", "nla_wrong").exit_code, 1);
  EXPECT_EQ(admin_cli("license create --max-activations 3").exit_code, 2);
  EXPECT_EQ(admin_cli("license create --product acme-cad --max-activations many").exit_code, 2);
  EXPECT_EQ(admin_cli("license show").exit_code, 2);

  EXPECT_EQ(
      run_nodelock({"admin", "product", "list", "--server", "http://127.0.0.1:1", "--token", "t"})
          .exit_code,
      3);
}

TEST_F(AdminCliTest, ServerFlagsMayComeBeforeTheSubcommand) {
  const ProcessResult created =
      run_nodelock({"admin", "--server", server_.url(), "--token", server_.admin_token(), "product",
                    "create", "--id", "acme-viewer", "--name", "Viewer"});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(admin().get("/v1/products").body["products"].size(), 2u);
}

TEST_F(AdminCliTest, FlagsOfAnotherSubcommandAreAUsageError) {
  EXPECT_EQ(admin_cli("product list --max-activations 3").exit_code, 2);
  EXPECT_EQ(admin_cli("license frobnicate").exit_code, 2);
  EXPECT_EQ(admin_cli("").exit_code, 2);
}

TEST_F(AdminCliTest, ProductsAndTokensAreManagedFromTheCli) {
  EXPECT_EQ(admin_cli("product create --id acme-viewer --name 'Acme Viewer'").exit_code, 0);
  ProcessResult listed = admin_cli("product list");
  EXPECT_NE(listed.out.find("acme-viewer  Acme Viewer"), std::string::npos) << listed.out;

  ProcessResult token = admin_cli("token create --role viewer --json");
  ASSERT_EQ(token.exit_code, 0);
  const std::string viewer = nlohmann::json::parse(token.out)["token"];
  EXPECT_EQ(admin_cli("product list", viewer).exit_code, 0);
  EXPECT_EQ(admin_cli("product create --id other --name Other", viewer).exit_code, 1);
}

TEST_F(AdminCliTest, TokenCreateNamesTheIdThatListRevokeAndTheAuditLogUse) {
  ProcessResult made = admin_cli("token create --role support");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto id_at = made.out.find("tok_");
  ASSERT_NE(id_at, std::string::npos) << made.out;
  const std::string id = made.out.substr(id_at, made.out.find(' ', id_at) - id_at);
  EXPECT_NE(admin_cli("token list").out.find(id + "  support"), std::string::npos);
  EXPECT_EQ(audit_entries("token.create").back().value("subject", ""), id);

  const auto json = json_of(admin_cli("token create --role viewer --json"));
  ASSERT_EQ(json.value("id", "").rfind("tok_", 0), 0u) << json.dump();
  ProcessResult revoked = admin_cli("token revoke " + id);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
}

}  // namespace
}  // namespace nodelock::server::testing
