// The server's promises under load and failure, against the real binary: the
// seat limit under 500 concurrent activations, acknowledged activations across
// kill -9, and HTTPS with a certificate made for the test.
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "at_once.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

const std::string kProduct = "acme-cad";

TEST_F(ServerTest, FiveHundredConcurrentActivationsGrantExactlyTenSeats) {
  const IssuedKey license = create_license({{"max_activations", 10}});
  constexpr int kMachines = 500;
  std::vector<std::string> requests;
  for (int i = 0; i < kMachines; ++i) {
    requests.push_back(TestMachine().activation_request(license.key, kProduct, unix_now()));
  }
  ActivationTally tally;
  run_at_once(
      kMachines, [&](int) { return ApiClient(server_.url()); },
      [&](int i, ApiClient& client) {
        tally.count(activate(client, requests[static_cast<std::size_t>(i)]));
      });
  EXPECT_EQ(tally.granted.load(), 10);
  EXPECT_EQ(tally.refused.load(), 490);
  EXPECT_EQ(tally.other.load(), 0);
  Reply shown = license_details(license.id);
  EXPECT_EQ(shown.body["seats"]["used"], 10);
  EXPECT_EQ(shown.body["activations"].size(), 10u);
}

TEST(ServerDurability, EveryAcknowledgedActivationSurvivesKillNine) {
  TempDir dir;
  const auto data = dir / "data";
  std::string token;
  IssuedKey license;
  std::set<std::string> acknowledged;
  {
    ServerProcess server({data, {}});
    token = server.admin_token();
    ApiClient admin(server.url(), token);
    ASSERT_EQ(admin.post("/v1/products", {{"id", kProduct}, {"name", "Acme CAD"}}).status, 201);
    Reply created =
        admin.post("/v1/licenses",
                   {{"product", kProduct}, {"model", "node-locked"}, {"max_activations", 1000000}});
    ASSERT_EQ(created.status, 201);
    license = {created.body["id"], created.body["key"]};

    constexpr int kInstallers = 8;
    std::mutex mutex;
    std::atomic<bool> server_gone{false};
    std::vector<std::thread> installers;
    for (int t = 0; t < kInstallers; ++t) {
      installers.emplace_back([&] {
        ApiClient client(server.url());
        while (!server_gone) {
          const TestMachine machine;
          Reply reply = client.post(
              "/v1/activations",
              {{"request", machine.activation_request(license.key, kProduct, unix_now())}});
          if (reply.status != 200) {
            server_gone = true;
            return;
          }
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.insert(reply.body["activation_id"].get<std::string>());
        }
      });
    }
    std::mt19937 random(std::random_device{}());
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 1000)(random)));
    server.kill_hard();
    server_gone = true;
    for (auto& installer : installers) installer.join();
  }
  ASSERT_GT(acknowledged.size(), 0u);

  ServerProcess restarted({data, {}});
  ApiClient admin(restarted.url(), token);
  Reply shown = admin.get("/v1/licenses/" + license.id);
  ASSERT_EQ(shown.status, 200);
  std::set<std::string> present;
  int active = 0;
  for (const auto& activation : all_activations(admin, license.id)) {
    present.insert(activation["id"].get<std::string>());
    active += activation["status"] == "active" ? 1 : 0;
  }
  for (const std::string& id : acknowledged) {
    ASSERT_EQ(present.count(id), 1u) << "acknowledged activation " << id << " was lost";
  }
  EXPECT_EQ(shown.body["seats"]["used"], active);
  EXPECT_EQ(static_cast<std::size_t>(active), present.size());
}

TEST(ServerHttps, ServesTheApiOverTlsToAClientThatTrustsItsCertificate) {
  TempDir dir;
  if (run_shell("command -v openssl").exit_code != 0) GTEST_SKIP() << "no openssl command";
  ASSERT_TRUE(make_test_certificate(dir));
  ServerProcess server(
      {dir / "data",
       {"--tls-cert", (dir / "cert.pem").string(), "--tls-key", (dir / "key.pem").string()}});
  ASSERT_EQ(server.url().rfind("https://", 0), 0u) << server.url();
  const std::string ca = (dir / "cert.pem").string();

  ApiClient admin(server.url(), server.admin_token(), ca);
  ASSERT_EQ(admin.post("/v1/products", {{"id", kProduct}, {"name", "Acme CAD"}}).status, 201);
  Reply created = admin.post(
      "/v1/licenses", {{"product", kProduct}, {"model", "node-locked"}, {"max_activations", 1}});
  ASSERT_EQ(created.status, 201);
  ApiClient installer(server.url(), "", ca);
  Reply granted = installer.post(
      "/v1/activations",
      {{"request", TestMachine().activation_request(created.body["key"], kProduct, unix_now())}});
  EXPECT_EQ(granted.status, 200) << granted.body.dump();

  httplib::Client untrusting(server.url());
  untrusting.enable_server_certificate_verification(true);
  EXPECT_FALSE(untrusting.Get("/v1/health")) << "a certificate nobody vouches for was accepted";
  httplib::Client plain("http://127.0.0.1:" + std::to_string(server.port()));
  auto answer = plain.Get("/v1/health");
  EXPECT_TRUE(!answer || answer->status != 200);
}

TEST(ServerHttps, UnreadableCertificateStopsTheServerWithAMessage) {
  TempDir dir;
  const ProcessResult served =
      run_process({server_binary().string(), "serve", "--listen", "127.0.0.1:0", "--data",
                   (dir / "data").string(), "--tls-cert", (dir / "missing.pem").string(),
                   "--tls-key", (dir / "missing.key").string()});
  EXPECT_EQ(served.exit_code, 1) << served.err;
}

}  // namespace
}  // namespace nodelock::server::testing
