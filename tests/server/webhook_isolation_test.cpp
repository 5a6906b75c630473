// One webhook receiver that hangs, one that fails, one that is not there and
// one that works, all on one server: each costs only itself. The healthy one
// gets its alerts in order at once, the failing one is retried on the
// documented schedule (--webhook-retry 2: 2 s, then 4 s more), and the expiry
// scan raises its alerts within one scan interval.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using namespace std::chrono_literals;

enum class Behaviour { healthy, failing, hanging };

// An httplib server standing in for a vendor's receiver. A hanging one holds
// every post open until it is destroyed.
class Receiver {
 public:
  struct Post {
    std::string alert_id;
    std::string kind;
    std::int64_t sent_at = 0;  // the server's clock
  };

  explicit Receiver(Behaviour behaviour) : behaviour_(behaviour) {
    // Hung posts each hold a thread of the receiver's.
    http_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    http_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const auto body = nlohmann::json::parse(req.body);
      std::unique_lock<std::mutex> lock(mutex_);
      posts_.push_back({body["alert"]["id"].get<std::string>(),
                        body["alert"]["kind"].get<std::string>(),
                        body["sent_at"].get<std::int64_t>()});
      if (behaviour_ == Behaviour::hanging) released_.wait(lock, [this] { return ending_; });
      res.status = behaviour_ == Behaviour::healthy ? 204 : 500;
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~Receiver() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ending_ = true;
    }
    released_.notify_all();
    http_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Post> posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_;
  }
  // Waits until `count` posts arrived or `limit` passed; the posts then.
  std::vector<Post> await_posts(std::size_t count, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (posts().size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return posts();
  }

 private:
  const Behaviour behaviour_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool ending_ = false;
  std::vector<Post> posts_;
};

// A loopback port nothing listens on: connections to it are refused.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

constexpr std::int64_t kScanSeconds = 60;

class WebhookIsolation : public ServerTest {
 protected:
  WebhookIsolation()
      : ServerTest({{},
                    {"--webhook-retry", "2", "--webhook-timeout", "1", "--expiry-scan",
                     std::to_string(kScanSeconds)}},
                   ServerTime::test_clock) {}

  void add_webhook(const std::string& url) {
    Reply made = admin().post("/v1/webhooks", {{"url", url}});
    ASSERT_EQ(made.status, 201) << made.body.dump();
  }

  // A license whose one activation raises a high_utilisation alert; its id.
  std::string fill_a_license() {
    const IssuedKey license = create_license({{"max_activations", 1}});
    ApiClient client = anonymous();
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    EXPECT_EQ(
        activate(client, TestMachine().activation_request(license.key, "acme-cad", now)).status,
        200);
    return license.id;
  }

  std::string first_alert_of(const std::string& license) {
    Reply listed = admin().get("/v1/alerts?license=" + license);
    return listed.body["alerts"].empty() ? "" : listed.body["alerts"][0]["id"].get<std::string>();
  }

  Receiver hanging_{Behaviour::hanging};
  Receiver failing_{Behaviour::failing};
  Receiver healthy_{Behaviour::healthy};
};

TEST_F(WebhookIsolation, AHungFailingOrMissingReceiverDelaysOnlyItself) {
  add_webhook(hanging_.url());
  add_webhook(failing_.url());
  add_webhook("http://127.0.0.1:" + std::to_string(closed_port()) + "/hook");
  add_webhook(healthy_.url());
  const std::int64_t raised_at = clock_.now();
  std::vector<std::string> raised;
  for (int license = 0; license < 3; ++license) raised.push_back(first_alert_of(fill_a_license()));

  // The healthy receiver is served at once (within the outbox's half-second
  // look), in the order the alerts were raised, while the hung one holds its post.
  const auto served = healthy_.await_posts(3, 2s);
  ASSERT_EQ(served.size(), 3u);
  for (std::size_t i = 0; i < raised.size(); ++i) EXPECT_EQ(served[i].alert_id, raised[i]) << i;
  EXPECT_EQ(hanging_.posts().size(), 1u);

  // The failing one: its first alert at once, then again 2 s and 6 s later on
  // the server's clock, and not before; the later alerts wait behind it.
  auto failed = failing_.await_posts(1, 2s);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].sent_at, raised_at);
  const std::pair<std::int64_t, std::int64_t> retries[] = {{1, 1}, {1, 2}, {3, 2}, {1, 3}};
  for (const auto& [seconds, expected] : retries) {
    const bool retry_due = static_cast<std::size_t>(expected) > failed.size();
    clock_.advance(std::chrono::seconds(seconds));
    // Not yet due: longer than the queue's look at the outbox shows nothing came.
    if (!retry_due) std::this_thread::sleep_for(700ms);
    failed = failing_.await_posts(expected, 1s);
    ASSERT_EQ(failed.size(), static_cast<std::size_t>(expected))
        << "after " << seconds << " s more";
  }
  EXPECT_EQ(failed[1].sent_at, raised_at + 2);
  EXPECT_EQ(failed[2].sent_at, raised_at + 6);
  for (const auto& post : failed) EXPECT_EQ(post.alert_id, raised[0]);

  // Licenses expiring in 1, 7 and 30 days are each alerted within one scan interval.
  std::vector<std::string> expiring;
  for (std::int64_t days : {1, 7, 30}) {
    expiring.push_back(
        create_license({{"max_activations", 5}, {"expires", clock_.now() + days * 86400 - 60}}).id);
  }
  clock_.advance(std::chrono::seconds(kScanSeconds));
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  for (const std::string& license : expiring) {
    while (first_alert_of(license).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_FALSE(first_alert_of(license).empty()) << license;
  }
  const auto all = healthy_.await_posts(6, 2s);
  ASSERT_EQ(all.size(), 6u);
  for (std::size_t i = 3; i < all.size(); ++i) EXPECT_EQ(all[i].kind, "license_expiring");
}

}  // namespace
}  // namespace nodelock::server::testing
