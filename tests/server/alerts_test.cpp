// Alerts posted to a real webhook receiver on loopback: signed, retried from
// the durable outbox until accepted, kept across a restart, raised once per
// cause rather than once per refused request.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// An httplib server standing in for the vendor's alert receiver. It refuses
// the first `refusals` posts with 503, then accepts.
class WebhookReceiver {
 public:
  struct Post {
    std::string body;
    std::string signature;
    std::string delivery;
    bool accepted = false;
  };

  explicit WebhookReceiver(int refusals) : refusals_(refusals) {
    http_.Post("/hooks/nodelock", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      Post post{req.body, req.get_header_value("X-Nodelock-Signature"),
                req.get_header_value("X-Nodelock-Delivery"), refusals_ <= 0};
      --refusals_;
      posts_.push_back(post);
      res.status = post.accepted ? 204 : 503;
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~WebhookReceiver() {
    http_.stop();
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/nodelock";
  }
  void accept_from_now() {
    std::lock_guard<std::mutex> lock(mutex_);
    refusals_ = 0;
  }
  std::vector<Post> posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_;
  }
  // Waits until `count` distinct deliveries were accepted, or `limit` passed.
  bool await_accepted(std::size_t count, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::set<std::string> accepted;
      for (const Post& post : posts()) {
        if (post.accepted) accepted.insert(post.delivery);
      }
      if (accepted.size() >= count) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int refusals_;
  std::vector<Post> posts_;
};

ServerProcess::Options quick_alerts(std::filesystem::path data_dir = {}) {
  return {std::move(data_dir), {"--webhook-retry", "1", "--expiry-scan", "1"}};
}

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(server_->url().empty());
    Reply product = admin().post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}});
    ASSERT_EQ(product.status, 201) << product.body.dump();
  }

  ApiClient admin() { return ApiClient(server_->url(), server_->admin_token()); }

  std::pair<std::string, std::string> create_license(nlohmann::json order) {
    order["product"] = "acme-cad";
    order["model"] = "node-locked";
    Reply created = admin().post("/v1/licenses", order);
    EXPECT_EQ(created.status, 201) << created.body.dump();
    return {created.body.value("id", ""), created.body.value("key", "")};
  }

  std::string add_webhook(const std::string& url) {
    Reply made = admin().post("/v1/webhooks", {{"url", url}});
    EXPECT_EQ(made.status, 201) << made.body.dump();
    return made.body.value("secret", "");
  }

  int activate(const std::string& key) {
    ApiClient client(server_->url());
    const TestMachine machine;
    return client
        .post("/v1/activations",
              {{"request", machine.activation_request(key, "acme-cad", unix_now())}})
        .status;
  }

  std::vector<std::string> alert_kinds(const std::string& license) {
    Reply listed = admin().get("/v1/alerts?license=" + license);
    EXPECT_EQ(listed.status, 200) << listed.body.dump();
    std::vector<std::string> kinds;
    for (const auto& alert : listed.body["alerts"]) kinds.push_back(alert["kind"]);
    return kinds;
  }

  TempDir data_;
  std::unique_ptr<ServerProcess> server_ =
      std::make_unique<ServerProcess>(quick_alerts(data_ / "server"));
};

std::string signature_of(const std::string& secret, const std::string& body) {
  return "sha256=" + encoding::hex(crypto::hmac_sha256(secret, body).bytes);
}

TEST_F(AlertsTest, SeatsExhaustedIsPostedSignedAndRetriedUntilTheReceiverAcceptsIt) {
  WebhookReceiver receiver(1);
  const std::string secret = add_webhook(receiver.url());
  ASSERT_EQ(secret.rfind("whsec_", 0), 0u);
  const auto [license, key] = create_license({{"max_activations", 1}, {"licensee", "Example Ltd"}});
  ASSERT_EQ(activate(key), 200);  // 1 of 1 seats: over 80 %
  ASSERT_EQ(activate(key), 409);  // refused: seats exhausted
  ASSERT_EQ(activate(key), 409);  // refused again: no second alert

  ASSERT_TRUE(receiver.await_accepted(2, 20s));
  const std::vector<WebhookReceiver::Post> posts = receiver.posts();
  ASSERT_GE(posts.size(), 3u);
  EXPECT_FALSE(posts[0].accepted);
  std::set<std::string> kinds;
  for (const auto& post : posts) {
    EXPECT_EQ(post.signature, signature_of(secret, post.body)) << post.body;
    const auto body = nlohmann::json::parse(post.body);
    EXPECT_EQ(body["v"], 1);
    EXPECT_EQ(body["type"], "alert");
    EXPECT_EQ(body["delivery"], post.delivery);
    EXPECT_EQ(body["alert"]["license_id"], license);
    if (post.accepted) kinds.insert(body["alert"]["kind"].get<std::string>());
    if (post.delivery == posts[0].delivery && post.accepted) {
      EXPECT_EQ(body["attempt"], 2);
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"high_utilisation", "seats_exhausted"}));
  // A body signed with another secret, or changed, does not verify.
  EXPECT_NE(posts[0].signature, signature_of("whsec_other", posts[0].body));
  EXPECT_NE(posts[0].signature, signature_of(secret, posts[0].body + " "));

  const auto listed = alert_kinds(license);
  EXPECT_EQ(listed, (std::vector<std::string>{"high_utilisation", "seats_exhausted"}));
  Reply all = admin().get("/v1/alerts");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body["alerts"][1]["message"].get<std::string>().find("all 1 of 1 seats are in use"),
            std::string::npos);
}

TEST_F(AlertsTest, FloatingCheckOutsRaiseHighUtilisationGraceInUseAndSeatsExhausted) {
  WebhookReceiver receiver(0);
  const std::string secret = add_webhook(receiver.url());
  Reply created = admin().post(
      "/v1/licenses",
      {{"product", "acme-cad"}, {"model", "floating"}, {"max_activations", 1}, {"grace_seats", 1}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string license = created.body["id"];
  ApiClient client(server_->url());
  const auto check_out = [&] {
    return client.post(
        "/v1/leases",
        {{"request", TestMachine().lease_request(created.body["key"], "acme-cad", unix_now())}});
  };
  ASSERT_EQ(check_out().status, 201);  // 1 of 1 seats: over 80 %
  Reply lent = check_out();
  ASSERT_EQ(lent.status, 201);  // on the grace seat
  EXPECT_TRUE(lent.body["overage"].get<bool>());
  ASSERT_EQ(check_out().code(), "seats_exhausted");
  ASSERT_EQ(check_out().code(), "seats_exhausted");  // no second alert

  ASSERT_TRUE(receiver.await_accepted(3, 20s));
  std::multiset<std::string> kinds;
  for (const auto& post : receiver.posts()) {
    EXPECT_EQ(post.signature, signature_of(secret, post.body)) << post.body;
    const auto body = nlohmann::json::parse(post.body);
    EXPECT_EQ(body["alert"]["license_id"], license);
    kinds.insert(body["alert"]["kind"].get<std::string>());
    if (body["alert"]["kind"] == "grace_in_use") {
      EXPECT_NE(body["alert"]["message"].get<std::string>().find("lent a grace seat: 2 seats"),
                std::string::npos)
          << post.body;
    }
  }
  EXPECT_EQ(kinds,
            (std::multiset<std::string>{"grace_in_use", "high_utilisation", "seats_exhausted"}));
  const std::vector<std::string> listed = alert_kinds(license);  // ordered by second only
  EXPECT_EQ(std::multiset<std::string>(listed.begin(), listed.end()), kinds);
}

TEST_F(AlertsTest, AnUndeliveredAlertSurvivesARestartAndIsDeliveredAfterIt) {
  WebhookReceiver receiver(1000);
  const std::string secret = add_webhook(receiver.url());
  const auto [license, key] = create_license({{"max_activations", 1}});
  ASSERT_EQ(activate(key), 200);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receiver.posts().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(receiver.posts().empty());
  EXPECT_EQ(server_->terminate(), 0);

  receiver.accept_from_now();
  server_ = std::make_unique<ServerProcess>(quick_alerts(data_ / "server"));
  ASSERT_FALSE(server_->url().empty());
  ASSERT_TRUE(receiver.await_accepted(1, 20s));
  const auto posts = receiver.posts();
  EXPECT_EQ(posts.front().delivery, posts.back().delivery);
  EXPECT_EQ(posts.back().signature, signature_of(secret, posts.back().body));
}

TEST_F(AlertsTest, LicenseExpiringIsRaisedOnceForTheNearestThresholdReached) {
  // On the test clock, each second it moves is one scan (--expiry-scan 1).
  ServerClock clock;
  ServerProcess::Options on_clock = quick_alerts(data_ / "on-clock");
  on_clock.clock = &clock;
  server_ = std::make_unique<ServerProcess>(on_clock);
  ASSERT_EQ(admin().post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
  const auto [in_five_days, key5] = create_license(
      {{"max_activations", 3}, {"expires", clock.now() + 5 * 86400 + 600}, {"grace_days", 2}});
  const auto [in_twenty_days, key20] =
      create_license({{"max_activations", 3}, {"expires", clock.now() + 20 * 86400}});
  const auto [in_forty_days, key40] =
      create_license({{"max_activations", 3}, {"expires", clock.now() + 40 * 86400}});
  // Each scan raises the alert of a license made before it expiring in a
  // day, so seeing that alert shows the scan covered the other licenses too.
  for (int scan = 0; scan < 3; ++scan) {
    const auto [marker, marker_key] =
        create_license({{"max_activations", 1}, {"expires", clock.now() + 12 * 3600}});
    clock.advance(1s);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (alert_kinds(marker).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(alert_kinds(marker), std::vector<std::string>{"license_expiring"}) << "scan " << scan;
  }
  EXPECT_EQ(alert_kinds(in_five_days), std::vector<std::string>{"license_expiring"});
  EXPECT_EQ(alert_kinds(in_twenty_days), std::vector<std::string>{"license_expiring"});
  EXPECT_TRUE(alert_kinds(in_forty_days).empty());
  Reply five = admin().get("/v1/alerts?license=" + in_five_days);
  EXPECT_EQ(five.body["alerts"][0]["details"]["threshold"], 7);
  EXPECT_EQ(five.body["alerts"][0]["details"]["days"], 6);
  EXPECT_NE(five.body["alerts"][0]["message"].get<std::string>().find("(then 2 days of grace)"),
            std::string::npos);
  Reply twenty = admin().get("/v1/alerts?license=" + in_twenty_days);
  EXPECT_EQ(twenty.body["alerts"][0]["details"]["threshold"], 30);
}

TEST_F(AlertsTest, BadWebhooksAndQueriesAreRefusedAndChangeNothing) {
  struct Case {
    std::string body;
    std::string code;
  };
  for (const Case& bad :
       {Case{"not json", "malformed"}, Case{"{}", "malformed"}, Case{R"({"url": 5})", "malformed"},
        Case{R"({"url": "http://a", "secret": "x"})", "malformed"},
        Case{R"({"url": "ftp://hooks.example.com/"})", "invalid_argument"},
        Case{R"({"url": "https://"})", "invalid_argument"},
        Case{R"({"url": "https:///path"})", "invalid_argument"},
        Case{R"({"url": "https://a b/"})", "invalid_argument"}}) {
    Reply refused = admin().post_raw("/v1/webhooks", bad.body);
    EXPECT_EQ(refused.status, 400) << bad.body;
    EXPECT_EQ(refused.code(), bad.code) << bad.body;
  }
  Reply support_token = admin().post("/v1/admin-tokens", {{"role", "support"}});
  ASSERT_EQ(support_token.status, 201);
  ApiClient support(server_->url(), support_token.body["token"]);
  EXPECT_EQ(support.post("/v1/webhooks", {{"url", "https://hooks.example.com/"}}).code(),
            "forbidden");
  EXPECT_EQ(support.get("/v1/webhooks").code(), "forbidden");
  EXPECT_EQ(support.get("/v1/alerts").status, 200);  // every role reads alerts
  EXPECT_EQ(ApiClient(server_->url()).get("/v1/alerts").code(), "unauthorized");
  EXPECT_EQ(admin().get("/v1/alerts?from=yesterday").code(), "invalid_argument");

  httplib::Client http(server_->url());
  auto missing = http.Delete("/v1/webhooks/whk_nobody",
                             {{"Authorization", "Bearer " + server_->admin_token()}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  Reply webhooks = admin().get("/v1/webhooks");
  ASSERT_EQ(webhooks.status, 200);
  EXPECT_TRUE(webhooks.body["webhooks"].empty());
  Reply audit = admin().get("/v1/audit");
  for (const auto& entry : audit.body["entries"]) {
    EXPECT_EQ(entry["action"].get<std::string>().rfind("webhook", 0), std::string::npos);
  }
}

TEST_F(AlertsTest, AWebhookIsListedAndRemovedWithAuditEntriesThatKeepNoQueryString) {
  const std::string secret = add_webhook("https://hooks.example.com/nodelock?token=receiver-own");
  Reply listed = admin().get("/v1/webhooks");
  ASSERT_EQ(listed.body["webhooks"].size(), 1u);
  const std::string id = listed.body["webhooks"][0]["id"];
  EXPECT_FALSE(listed.body.dump().find(secret) != std::string::npos);
  httplib::Client http(server_->url());
  auto removed = http.Delete(("/v1/webhooks/" + id).c_str(),
                             {{"Authorization", "Bearer " + server_->admin_token()}});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200);
  EXPECT_TRUE(admin().get("/v1/webhooks").body["webhooks"].empty());
  Reply audit = admin().get("/v1/audit");
  std::set<std::string> actions;
  for (const auto& entry : audit.body["entries"]) {
    actions.insert(entry["action"].get<std::string>());
    EXPECT_EQ(entry.dump().find("receiver-own"), std::string::npos);
    EXPECT_EQ(entry.dump().find(secret), std::string::npos);
  }
  EXPECT_EQ(actions.count("webhook.create"), 1u);
  EXPECT_EQ(actions.count("webhook.remove"), 1u);
}

TEST_F(AlertsTest, CliAddsListsAndRemovesWebhooksAndListsAlerts) {
  const std::string admin_flags =
      " --server " + server_->url() + " --token " + server_->admin_token();
  const std::string cli = nodelock_binary().string() + " admin ";
  ProcessResult added =
      run_shell(cli + "webhook add --url https://hooks.example.com/n" + admin_flags);
  EXPECT_EQ(added.exit_code, 0);
  EXPECT_NE(added.out.find("whsec_"), std::string::npos) << added.out;
  ProcessResult listed = run_shell(cli + "webhook list" + admin_flags);
  EXPECT_NE(listed.out.find("https://hooks.example.com/n"), std::string::npos) << listed.out;
  const auto [license, key] = create_license({{"max_activations", 1}});
  ASSERT_EQ(activate(key), 200);
  ASSERT_EQ(activate(key), 409);
  ProcessResult alerts = run_shell(cli + "alerts --license " + license + admin_flags);
  EXPECT_EQ(alerts.exit_code, 0);
  EXPECT_NE(alerts.out.find("seats_exhausted  " + license), std::string::npos) << alerts.out;
  EXPECT_NE(alerts.out.find("high_utilisation  " + license), std::string::npos);
  const std::string id = admin().get("/v1/webhooks").body["webhooks"][0]["id"];
  EXPECT_EQ(run_shell(cli + "webhook remove " + id + admin_flags).exit_code, 0);
  EXPECT_EQ(run_shell(cli + "webhook remove " + id + admin_flags).exit_code, 1);
  EXPECT_EQ(run_shell(cli + "webhook add" + admin_flags).exit_code, 2);
}

}  // namespace
}  // namespace nodelock::server::testing
