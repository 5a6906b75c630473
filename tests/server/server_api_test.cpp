// The admin API and the server's life cycle, over HTTP against the real binary.
#include <sys/stat.h>
#include <sys/wait.h>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

// `nodelock-server <arguments>`'s exit code.
int server_exit_code(const std::vector<std::string>& arguments) {
  std::vector<std::string> words = {server_binary().string()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  return run_process(words).exit_code;
}

TEST(ServerLifecycle, InitPrintsTheTokenOnceAndRefusesASecondInit) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  const ProcessResult init =
      run_process({server_binary().string(), "init", "--json", "--data", data});
  const std::string& out = init.out;
  ASSERT_EQ(init.exit_code, 0) << out;
  const auto printed = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << out;
  const std::string token = printed["admin_token"];
  EXPECT_EQ(printed["kid"].get<std::string>().size(), 16u);

  struct stat info {};
  ASSERT_EQ(stat(data.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir / "data" / "vendor.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir / "data" / "key.pepper").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  EXPECT_EQ(server_exit_code({"init", "--data", data}), 1);

  EXPECT_NE(run_process({"/bin/grep", "-r", "-l", token.substr(4), data}).exit_code, 0)
      << "the admin token is stored in the clear";

  ServerProcess server({dir / "data", {}});
  EXPECT_TRUE(server.admin_token().empty()) << "an initialised directory printed a new token";
  EXPECT_EQ(ApiClient(server.url(), token).get("/v1/products").status, 200);
}

TEST(ServerLifecycle, TermStopsTheServerCleanly) {
  ServerProcess server;
  ASSERT_FALSE(server.admin_token().empty());
  EXPECT_EQ(ApiClient(server.url()).get("/v1/health").body, (nlohmann::json{{"status", "ok"}}));
  const int status = server.terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ServerLifecycle, MisuseIsAUsageError) {
  EXPECT_EQ(server_exit_code({"serve"}), 2);
  EXPECT_EQ(server_exit_code({"serve", "--data", "x", "--listen", "nowhere"}), 2);
  EXPECT_EQ(server_exit_code({"launch"}), 2);
}

TEST_F(ServerTest, KeysArePublishedWithTheirId) {
  Reply keys = anonymous().get("/v1/keys");
  ASSERT_EQ(keys.status, 200);
  ASSERT_EQ(keys.body["keys"].size(), 1u);
  EXPECT_EQ(keys.body["keys"][0]["alg"], "ed25519");
  EXPECT_EQ(keys.body["keys"][0]["kid"].get<std::string>().size(), 16u);
}

TEST_F(ServerTest, LicenseIsCreatedShownAndListed) {
  Reply created = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                {"model", "node-locked"},
                                                {"max_activations", 3},
                                                {"expires", "2099-12-31"},
                                                {"grace_days", 7},
                                                {"features", {"export", "render"}},
                                                {"max_version", 4},
                                                {"licensee", "Example Ltd"},
                                                {"refresh_days", 14}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string id = created.body["id"];
  const std::string key = created.body["key"];
  EXPECT_EQ(key.size(), 29u);
  Reply shown = license_details(id);
  ASSERT_EQ(shown.status, 200);
  const auto& license = shown.body["license"];
  EXPECT_EQ(license["term"], "subscription");
  EXPECT_EQ(license["expires_at"], 4102444799);  // the last second of 2099-12-31
  EXPECT_EQ(license["key_hint"], "…-" + key.substr(24));
  EXPECT_EQ(license["features"], nlohmann::json({"export", "render"}));
  EXPECT_EQ(shown.body["seats"], (nlohmann::json{{"used", 0}, {"max", 3}}));
  EXPECT_EQ(shown.body.dump().find(key), std::string::npos) << "the key is shown again";

  EXPECT_EQ(admin().get("/v1/licenses?product=acme-cad").body["licenses"].size(), 1u);
  EXPECT_EQ(admin().get("/v1/licenses?product=other").body["licenses"].size(), 0u);
  EXPECT_EQ(admin().get("/v1/licenses/lic_nothing").code(), "not_found");
}

TEST_F(ServerTest, SuspendResumeAndRevokeAreStateChanges) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  ApiClient client = admin();
  EXPECT_EQ(client.post("/v1/licenses/" + license.id + "/suspend", nlohmann::json::object())
                .body["license"]["status"],
            "suspended");
  EXPECT_EQ(client.post("/v1/licenses/" + license.id + "/resume", nlohmann::json::object())
                .body["license"]["status"],
            "active");
  EXPECT_EQ(client.post("/v1/licenses/" + license.id + "/revoke", nlohmann::json::object())
                .body["license"]["status"],
            "revoked");
  Reply resumed = client.post("/v1/licenses/" + license.id + "/resume", nlohmann::json::object());
  EXPECT_EQ(resumed.status, 409);
  EXPECT_EQ(resumed.code(), "conflict");
}

TEST_F(ServerTest, TokensNeedTheRightRole) {
  Reply missing = anonymous().get("/v1/licenses");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.code(), "unauthorized");
  EXPECT_EQ(ApiClient(server_.url(), "nla_0123").get("/v1/licenses").status, 401);

  Reply viewer_token = admin().post("/v1/admin-tokens", {{"role", "viewer"}});
  ASSERT_EQ(viewer_token.status, 201);
  ApiClient viewer(server_.url(), viewer_token.body["token"]);
  EXPECT_EQ(viewer.get("/v1/products").status, 200);
  Reply forbidden = viewer.post("/v1/products", {{"id", "other"}, {"name", "Other"}});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.code(), "forbidden");
  EXPECT_EQ(viewer.post("/v1/admin-tokens", {{"role", "admin"}}).status, 403);

  Reply support_token = admin().post("/v1/admin-tokens", {{"role", "support"}});
  ApiClient support(server_.url(), support_token.body["token"]);
  const IssuedKey license = create_license({{"max_activations", 1}});
  EXPECT_EQ(
      support.post("/v1/licenses/" + license.id + "/suspend", nlohmann::json::object()).status,
      200);
  EXPECT_EQ(support
                .post("/v1/licenses",
                      {{"product", "acme-cad"}, {"model", "node-locked"}, {"max_activations", 1}})
                .status,
            403);
}

// Every malformed body is refused with its own clear error, and nothing changes.
TEST_F(ServerTest, BadBodiesAreRefusedAndChangeNothing) {
  ApiClient client = admin();
  const struct {
    const char* path;
    std::string body;
    int status;
    const char* code;
  } cases[] = {
      {"/v1/products", "not json", 400, "malformed"},
      {"/v1/products", "[1,2]", 400, "malformed"},
      {"/v1/products", R"({"id":"p2"})", 400, "malformed"},
      {"/v1/products", R"({"id":7,"name":"x"})", 400, "malformed"},
      {"/v1/products", R"({"id":"p2","name":"x","colour":"red"})", 400, "malformed"},
      {"/v1/products", R"({"id":"Bad Id!","name":"x"})", 400, "invalid_argument"},
      {"/v1/products", R"({"id":"acme-cad","name":"again"})", 409, "already_exists"},
      {"/v1/licenses", R"({"product":"acme-cad","model":"node-locked"})", 400, "malformed"},
      {"/v1/licenses", R"({"product":"acme-cad","model":"node-locked","max_activations":"3"})", 400,
       "malformed"},
      {"/v1/licenses", R"({"product":"acme-cad","model":"node-locked","max_activations":3,"x":1})",
       400, "malformed"},
      {"/v1/licenses",
       R"({"product":"acme-cad","model":"node-locked","max_activations":3,)"
       R"("expires":"2030-02-30"})",
       400, "malformed"},
      {"/v1/licenses", R"({"product":"acme-cad","model":"nodelocked","max_activations":3})", 400,
       "malformed"},
      {"/v1/licenses", R"({"product":"none","model":"node-locked","max_activations":3})", 404,
       "not_found"},
      {"/v1/licenses", R"({"product":"acme-cad","model":"node-locked","max_activations":-1})", 400,
       "invalid_argument"},
      {"/v1/licenses",
       R"({"product":"acme-cad","model":"node-locked","max_activations":)"
       R"(99999999999999999999})",
       400, "malformed"},
      {"/v1/admin-tokens", R"({"role":"root"})", 400, "malformed"},
      {"/v1/activations", R"({"request":5})", 400, "malformed"},
      {"/v1/activations", R"({})", 400, "malformed"},
      {"/v1/deactivations", R"({"receipt":"x","extra":1})", 400, "malformed"},
      {"/v1/activations", std::string(70 * 1024, '['), 413, "payload_too_large"},
      {"/v1/activations", std::string(60 * 1024, '[') + std::string(60 * 1024, ']'), 413,
       "payload_too_large"},
      {"/v1/activations", std::string(30 * 1024, '[') + std::string(30 * 1024, ']'), 400,
       "malformed"},
  };
  for (const auto& bad : cases) {
    Reply reply = client.post_raw(bad.path, bad.body);
    EXPECT_EQ(reply.status, bad.status) << bad.path << " " << bad.body.substr(0, 120);
    EXPECT_EQ(reply.code(), bad.code) << bad.path << " " << bad.body.substr(0, 120);
    EXPECT_FALSE(reply.body["error"].value("message", "").empty());
  }
  ApiClient after = admin();
  EXPECT_EQ(after.get("/v1/products").body["products"].size(), 1u);
  EXPECT_EQ(after.get("/v1/licenses").body["licenses"].size(), 0u);
  EXPECT_EQ(after.get("/v1/health").status, 200);
}

TEST_F(ServerTest, UnknownEndpointsAnswerInTheErrorEnvelope) {
  Reply reply = anonymous().get("/v1/nothing");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.code(), "not_found");
}

TEST_F(ServerTest, MetricsCountRequestsInPrometheusText) {
  anonymous().get("/v1/health");
  httplib::Client client(server_.url());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("nodelock_http_requests_total{route=\"/v1/health\",status=\"200\"}"),
            std::string::npos)
      << metrics->body;
}

}  // namespace
}  // namespace nodelock::server::testing
