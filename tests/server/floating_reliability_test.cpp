// Floating seats under load and failure: 200 concurrent check-outs against 10
// seats, and leases across a clean restart and kill -9.
#include <atomic>

#include "at_once.h"
#include "floating_fixture.h"

namespace nodelock::server::testing {
namespace {

struct Tally {
  int granted = 0;
  int overage = 0;
  int refused = 0;
  int other = 0;
};

// Checks out one seat per machine, all at once.
Tally check_out_at_once(const std::string& url, const std::string& key, int machines) {
  std::vector<std::string> requests;
  for (int i = 0; i < machines; ++i) {
    requests.push_back(TestMachine().lease_request(key, "acme-cad", unix_now()));
  }
  std::atomic<int> granted{0}, overage{0}, refused{0}, other{0};
  run_at_once(
      machines, [&](int) { return ApiClient(url); },
      [&](int i, ApiClient& client) {
        Reply reply =
            client.post("/v1/leases", {{"request", requests[static_cast<std::size_t>(i)]}});
        if (reply.status == 201) {
          ++granted;
          if (reply.body["overage"] == true) ++overage;
        } else if (reply.status == 409 && reply.code() == "seats_exhausted") {
          ++refused;
        } else {
          ++other;
        }
      });
  return {granted.load(), overage.load(), refused.load(), other.load()};
}

TEST_F(FloatingTest, TwoHundredConcurrentCheckOutsGetExactlyTheTenSeats) {
  const IssuedKey license = create_floating(10);
  const Tally tally = check_out_at_once(server_.url(), license.key, 200);
  EXPECT_EQ(tally.granted, 10);
  EXPECT_EQ(tally.overage, 0);
  EXPECT_EQ(tally.refused, 190);
  EXPECT_EQ(tally.other, 0);
  EXPECT_EQ(held(license.id).size(), 10u);
}

TEST_F(FloatingTest, TwoHundredConcurrentCheckOutsGetTheSeatsPlusTheGraceSeats) {
  const IssuedKey license = create_floating(10, {{"grace_seats", 3}});
  const Tally tally = check_out_at_once(server_.url(), license.key, 200);
  EXPECT_EQ(tally.granted, 13);
  EXPECT_EQ(tally.overage, 3);
  EXPECT_EQ(tally.refused, 187);
  EXPECT_EQ(tally.other, 0);
}

class FloatingRestartTest : public ::testing::Test {
 protected:
  // A server on `data` with a floating license; returns its key.
  IssuedKey first_start(ServerProcess& server) {
    token_ = server.admin_token();
    ApiClient admin(server.url(), token_);
    EXPECT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
    Reply created = admin.post("/v1/licenses", {{"product", "acme-cad"},
                                                {"model", "floating"},
                                                {"max_activations", 1},
                                                {"lease_ttl", 600}});
    EXPECT_EQ(created.status, 201);
    return {created.body["id"], created.body["key"]};
  }

  // Checks one seat out of the license of `key` on `url`.
  static TestLease check_out_one(const std::string& url, const IssuedKey& license) {
    Reply granted = ApiClient(url).post(
        "/v1/leases",
        {{"request", TestMachine().lease_request(license.key, "acme-cad", unix_now())}});
    EXPECT_EQ(granted.status, 201) << granted.body.dump();
    if (granted.status != 201) return {};
    return {granted.body["lease_id"], granted.body["secret"], 0};
  }

  static bool check_out_refused(const std::string& url, const IssuedKey& license) {
    Reply refused = ApiClient(url).post(
        "/v1/leases",
        {{"request", TestMachine().lease_request(license.key, "acme-cad", unix_now())}});
    return refused.code() == "seats_exhausted";
  }

  static Reply beat(const std::string& url, const TestLease& lease, std::int64_t sequence) {
    const crypto::Digest mac = lease_call_mac(encoding::from_base64(lease.secret).value(),
                                              LeaseCall::heartbeat, lease.id, sequence);
    return ApiClient(url).post("/v1/leases/" + lease.id + "/heartbeat",
                               {{"sequence", sequence}, {"mac", encoding::base64(mac.bytes)}});
  }

  TempDir dir_;
  std::string token_;  // printed at the first start only
};

TEST_F(FloatingRestartTest, ARestartKeepsLeasesTheirSecretsAndTheirSequence) {
  const auto data = dir_ / "data";
  TestLease lease;
  IssuedKey license;
  std::int64_t expiry = 0;
  {
    ServerProcess server({data, {}});
    license = first_start(server);
    lease = check_out_one(server.url(), license);
    ASSERT_FALSE(lease.id.empty());
    for (std::int64_t sequence = 1; sequence <= 3; ++sequence) {
      Reply renewed = beat(server.url(), lease, sequence);
      ASSERT_EQ(renewed.status, 200);
      expiry = renewed.body["expires_at"];
    }
    server.terminate();
  }
  ServerProcess restarted({data, {}});
  EXPECT_EQ(beat(restarted.url(), lease, 3).code(), "replayed");
  Reply held = ApiClient(restarted.url(), token_).get("/v1/licenses/" + license.id + "/leases");
  ASSERT_EQ(held.body["leases"].size(), 1u);
  EXPECT_EQ(held.body["leases"][0]["expires_at"], expiry);
  EXPECT_EQ(beat(restarted.url(), lease, 4).status, 200);
  EXPECT_TRUE(check_out_refused(restarted.url(), license)) << "the lease still holds the seat";
}

TEST_F(FloatingRestartTest, AnAcknowledgedCheckOutSurvivesKillNine) {
  const auto data = dir_ / "data";
  TestLease lease;
  IssuedKey license;
  {
    ServerProcess server({data, {}});
    license = first_start(server);
    lease = check_out_one(server.url(), license);
    ASSERT_FALSE(lease.id.empty());
    server.kill_hard();
  }
  ServerProcess restarted({data, {}});
  EXPECT_EQ(beat(restarted.url(), lease, 1).status, 200);
  EXPECT_TRUE(check_out_refused(restarted.url(), license)) << "the lease still holds the seat";
}

}  // namespace
}  // namespace nodelock::server::testing
