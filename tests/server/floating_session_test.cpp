// nodelock::FloatingSession against a real nodelock-server with leases of a
// few seconds' TTL: heartbeats keep the seat, a server that dies leaves it valid
// until its expiry and then lost, a server back regains it, destruction frees
// it for another machine, and a forced release ends it.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "nodelock/client/floating_session.h"
#include "server_fixture.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// What a session's callbacks reported, for a test to wait on.
class Reports {
 public:
  void lost(const Error& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    losses_.push_back(why);
    changed_.notify_all();
  }
  void regained() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++regains_;
    changed_.notify_all();
  }
  // True once `losses` losses were reported, within `limit`.
  bool wait_for_losses(std::size_t losses, Clock::duration limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return losses_.size() >= losses; });
  }
  bool wait_for_regains(int regains, Clock::duration limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return regains_ >= regains; });
  }
  std::vector<Error> losses() {
    std::lock_guard<std::mutex> lock(mutex_);
    return losses_;
  }
  int regains() {
    std::lock_guard<std::mutex> lock(mutex_);
    return regains_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Error> losses_;
  int regains_ = 0;
};

class FloatingSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{dir_ / "data", {}, "127.0.0.1:0", server_clock_});
    ASSERT_FALSE(server_->url().empty());
    url_ = server_->url();
    token_ = server_->admin_token();
    ASSERT_EQ(admin().post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
  }

  ApiClient admin() { return ApiClient(url_, token_); }

  // A floating license of `seats` whose leases live `ttl` seconds without a
  // heartbeat.
  IssuedKey create_floating(int seats, int ttl = 2) {
    Reply created = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                  {"model", "floating"},
                                                  {"max_activations", seats},
                                                  {"lease_ttl", ttl}});
    EXPECT_EQ(created.status, 201) << created.body.dump();
    return {created.body.value("id", ""), created.body.value("key", "")};
  }

  // Session options for the machine of `sysroot` with its store in `store`.
  FloatingSessionOptions options(const IssuedKey& license, const std::string& sysroot,
                                 const TempDir& store, Reports& reports) {
    FloatingSessionOptions options;
    options.lease.server.url = url_;
    options.lease.store_root = store.path();
    options.lease.sysroot = sysroot;
    options.key = license.key;
    options.product = "acme-cad";
    options.on_lost = [&reports](const Error& why) { reports.lost(why); };
    options.on_regained = [&reports] { reports.regained(); };
    return options;
  }

  std::size_t held(const IssuedKey& license) {
    Reply reply = admin().get("/v1/licenses/" + license.id + "/leases");
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body["leases"].size();
  }

  // The server again on the same data directory and port, after it died.
  void restart() {
    server_ = std::make_unique<ServerProcess>(
        ServerProcess::Options{dir_ / "data", {}, "127.0.0.1:" + std::to_string(port_of(url_))});
    ASSERT_EQ(server_->url(), url_);
  }

  static int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

  // Waits up to `limit` for a heartbeat the server renewed at its time now,
  // which makes the lease expire a TTL from it.
  static bool renewed_at(FloatingSession& session, std::int64_t now, std::int64_t ttl,
                         Clock::duration limit) {
    const Clock::time_point deadline = Clock::now() + limit;
    while (session.status().expires_at < now + ttl) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }

  TempDir dir_;
  ServerClock clock_;
  const ServerClock* server_clock_ = nullptr;  // set: the server keeps clock_'s time
  std::unique_ptr<ServerProcess> server_;
  std::string url_;
  std::string token_;
  TempDir laptop_store_;
  TempDir desktop_store_;
};

// A server on the test clock, which a test moves by most of a TTL between two
// heartbeats.
class FloatingSessionOnTestClockTest : public FloatingSessionTest {
 protected:
  FloatingSessionOnTestClockTest() { server_clock_ = &clock_; }
};

TEST_F(FloatingSessionOnTestClockTest, HeartbeatsKeepTheSeatPastSeveralTtls) {
  // A TTL of 4 s with a heartbeat each second; the server's time moves 3 s
  // between heartbeats, so only the heartbeats keep the seat through 9 s, two
  // TTLs and more.
  const IssuedKey license = create_floating(1, 4);
  Reports reports;
  auto session = FloatingSession::start(options(license, kLaptop, laptop_store_, reports));
  ASSERT_TRUE(session.ok()) << session.message();
  const std::int64_t first_expiry = session->status().expires_at;
  for (int ttl_mostly_gone = 0; ttl_mostly_gone < 3; ++ttl_mostly_gone) {
    clock_.advance(seconds(3));
    ASSERT_TRUE(renewed_at(*session, clock_.now(), 4, seconds(10)))
        << "no heartbeat renewed the lease after the server's time moved on";
  }
  EXPECT_TRUE(session->valid());
  const SessionStatus status = session->status();
  EXPECT_EQ(status.state, SessionState::holding);
  EXPECT_GE(status.expires_at, first_expiry + 6) << "heartbeats moved the expiry on";
  EXPECT_TRUE(reports.losses().empty());
  EXPECT_EQ(held(license), 1u);
  Reports others;
  auto other = FloatingSession::start(options(license, kDesktop, desktop_store_, others));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), ErrorCode::seats_exhausted);
}

TEST_F(FloatingSessionTest, AServerThatDiesLeavesTheSeatValidUntilExpiryThenRegainsItWhenBack) {
  // A TTL of 4 s: on a loaded machine a session that started slowly must
  // still hold a valid lease when the server dies after its first heartbeats.
  const IssuedKey license = create_floating(1, 4);
  Reports reports;
  auto session = FloatingSession::start(options(license, kLaptop, laptop_store_, reports));
  ASSERT_TRUE(session.ok()) << session.message();
  const std::int64_t checked_out_at = session->status().expires_at - 4;
  ASSERT_TRUE(renewed_at(*session, checked_out_at + 1, 4, seconds(10)))
      << "no heartbeat before the server dies";
  server_->kill_hard();
  EXPECT_TRUE(session->valid()) << "the lease outlives the server by up to one TTL";
  ASSERT_TRUE(reports.wait_for_losses(1, seconds(10)));
  EXPECT_FALSE(session->valid());
  EXPECT_EQ(session->status().state, SessionState::lost);
  const Error why = reports.losses().front();
  EXPECT_EQ(why.code, ErrorCode::unreachable) << why.message;
  EXPECT_NE(why.message.find("without a confirmed heartbeat"), std::string::npos) << why.message;
  EXPECT_EQ(reports.regains(), 0);

  restart();
  ASSERT_TRUE(reports.wait_for_regains(1, seconds(10)));
  EXPECT_TRUE(session->valid());
  EXPECT_EQ(session->status().state, SessionState::holding);
  EXPECT_EQ(reports.losses().size(), 1u);
}

TEST_F(FloatingSessionTest, DestroyingTheSessionReleasesTheSeatForAnotherMachine) {
  const IssuedKey license = create_floating(1);
  Reports laptop, desktop;
  {
    auto session = FloatingSession::start(options(license, kLaptop, laptop_store_, laptop));
    ASSERT_TRUE(session.ok()) << session.message();
    EXPECT_EQ(FloatingSession::start(options(license, kDesktop, desktop_store_, desktop)).code(),
              ErrorCode::seats_exhausted);
  }
  EXPECT_EQ(held(license), 0u);
  EXPECT_FALSE(std::filesystem::exists(laptop_store_ / "acme-cad" / "lease.json"));
  auto next = FloatingSession::start(options(license, kDesktop, desktop_store_, desktop));
  EXPECT_TRUE(next.ok()) << next.message();
}

TEST_F(FloatingSessionTest, TheDestructorReturnsQuicklyWhenTheServerIsGone) {
  const IssuedKey license = create_floating(1);
  Reports reports;
  auto session = FloatingSession::start(options(license, kLaptop, laptop_store_, reports));
  ASSERT_TRUE(session.ok()) << session.message();
  server_->kill_hard();
  const Clock::time_point destroying = Clock::now();
  { FloatingSession gone = std::move(*session); }
  EXPECT_LT(Clock::now() - destroying, seconds(5));
  EXPECT_FALSE(session->valid()) << "a session moved from holds nothing";
}

TEST_F(FloatingSessionTest, AForcedReleaseReportsLeaseEndedAndTheSessionChecksOutAgain) {
  const IssuedKey license = create_floating(1);
  Reports reports;
  auto session = FloatingSession::start(options(license, kLaptop, laptop_store_, reports));
  ASSERT_TRUE(session.ok()) << session.message();
  const std::string first = session->status().lease_id;
  Reply forced = admin().post("/v1/leases/" + first + "/force-release", nlohmann::json::object());
  ASSERT_EQ(forced.status, 200) << forced.body.dump();
  ASSERT_TRUE(reports.wait_for_losses(1, seconds(4)));
  EXPECT_EQ(reports.losses().front().code, ErrorCode::lease_ended)
      << reports.losses().front().message;
  // The seat was free again, so the session takes it back with a new lease.
  ASSERT_TRUE(reports.wait_for_regains(1, seconds(4)));
  EXPECT_TRUE(session->valid());
  EXPECT_NE(session->status().lease_id, first);
}

TEST_F(FloatingSessionTest, StartReportsARefusalAsAValue) {
  const IssuedKey license = create_floating(1);
  Reports reports;
  FloatingSessionOptions wrong = options(license, kLaptop, laptop_store_, reports);
  wrong.key = "not a key";
  EXPECT_EQ(FloatingSession::start(wrong).code(), ErrorCode::invalid_key);
  FloatingSessionOptions nowhere = options(license, kLaptop, laptop_store_, reports);
  nowhere.lease.server.url = "licenses.example.com";
  EXPECT_EQ(FloatingSession::start(nowhere).code(), ErrorCode::invalid_argument);
  EXPECT_EQ(held(license), 0u);
}

}  // namespace
}  // namespace nodelock::server::testing
