// Automatic seat reclamation against a real server on the test clock, sweeping
// every second of it: a machine silent past its license's threshold loses its
// seat, one that checks in keeps it, the freed seat goes to a new machine, and
// the policy, its audit trail and its bad input behave as docs/API.md says.
#include <chrono>
#include <functional>
#include <thread>

#include "prometheus_text.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Seconds of the server's clock; a machine that checks in before every move of
// the clock by one second is never idle past it.
constexpr int kThresholdSeconds = 2;
const std::vector<std::string> kSweepEverySecond = {"--reclaim-interval", "1"};

class SeatReclaimTest : public ServerTest {
 protected:
  SeatReclaimTest()
      : ServerTest(ServerProcess::Options{{}, kSweepEverySecond}, ServerTime::test_clock) {}

  IssuedKey reclaiming_license(int seats) {
    return create_license(
        {{"max_activations", seats}, {"reclaim_after_seconds", kThresholdSeconds}});
  }

  // Activates `machine` (as `user` when given) and returns its activation id.
  std::string activated(const TestMachine& machine, const IssuedKey& license,
                        const std::string& user = "") {
    ActivationRequest request = machine.request(license.key, "acme-cad", unix_now());
    if (!user.empty()) request.user = user;
    Reply reply = activate(client_, machine.sign(request));
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body.value("activation_id", "");
  }

  Reply refresh(const TestMachine& machine, const IssuedKey& license, const std::string& id) {
    return activate(client_, machine.refresh_request(license.key, "acme-cad", id, unix_now()));
  }

  nlohmann::json seat(const IssuedKey& license, const std::string& id) {
    const Reply details = license_details(license.id);
    for (const auto& activation : details.body["activations"]) {
      if (activation["id"] == id) return activation;
    }
    ADD_FAILURE() << "no activation " << id;
    return nlohmann::json::object();
  }

  // Moves the server's clock past the threshold a second at a time, `busy`
  // checking in before each move, then waits for the sweep to free `id`.
  bool reclaimed(const IssuedKey& license, const std::string& id,
                 const std::function<void()>& busy = {}) {
    for (int moved = 0; moved <= kThresholdSeconds; ++moved) {
      if (busy) busy();
      clock_.advance(std::chrono::seconds(1));
    }
    const auto deadline = steady_clock::now() + milliseconds(10000);
    while (steady_clock::now() < deadline) {
      if (seat(license, id)["status"] == "reclaimed") return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }

  nlohmann::json audit_log() { return admin().get("/v1/audit").body["entries"]; }

  int audit_entries(const std::string& action, const std::string& subject) {
    int found = 0;
    for (const auto& entry : audit_log()) {
      if (entry["action"] == action && entry["subject"] == subject) ++found;
    }
    return found;
  }

  ApiClient client_{server_.url()};
};

TEST_F(SeatReclaimTest, AnIdleSeatIsFreedForANewMachineWhileOneThatChecksInKeepsItsSeat) {
  const IssuedKey license = reclaiming_license(2);
  const IssuedKey untouched = create_license({{"max_activations", 1}});
  const TestMachine idle, busy, newcomer, elsewhere;
  const std::string idle_id = activated(idle, license);
  const std::string busy_id = activated(busy, license);
  const std::string elsewhere_id = activated(elsewhere, untouched);
  EXPECT_EQ(
      activate(client_, newcomer.activation_request(license.key, "acme-cad", unix_now())).code(),
      "activation_limit");

  ASSERT_TRUE(
      reclaimed(license, idle_id, [&] { EXPECT_EQ(refresh(busy, license, busy_id).status, 200); }));
  EXPECT_EQ(seat(license, busy_id)["status"], "active") << "a machine that checks in keeps it";
  EXPECT_EQ(seat(untouched, elsewhere_id)["status"], "active")
      << "a license without a threshold is never swept";
  const nlohmann::json freed = seat(license, idle_id);
  EXPECT_TRUE(freed["reclaimed_at"].is_number_integer()) << freed.dump();
  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 1);

  Reply taken = activate(client_, newcomer.activation_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(taken.status, 200) << "the freed seat goes to a new machine: " << taken.body.dump();

  Reply refused = refresh(idle, license, idle_id);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.code(), "seat_reclaimed");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("had no check-in for"), std::string::npos) << message;
  EXPECT_NE(message.find("freed its seat automatically on"), std::string::npos) << message;
  EXPECT_NE(message.find("nodelock activate"), std::string::npos) << message;

  Reply listed = admin().get("/v1/licenses/" + license.id + "/activations?state=reclaimed");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["activations"].size(), 1u) << listed.body.dump();
  EXPECT_EQ(listed.body["activations"][0]["id"], idle_id);

  EXPECT_EQ(audit_entries("activation.reclaim", idle_id), 1);
  EXPECT_EQ(audit_entries("activation.reclaim", busy_id), 0);
  for (const auto& entry : audit_log()) {
    if (entry["action"] != "activation.reclaim") continue;
    EXPECT_EQ(entry["actor"], "server");
    EXPECT_EQ(entry["before"]["status"], "active");
    EXPECT_TRUE(entry["before"]["last_seen_at"].is_number_integer()) << entry.dump();
    EXPECT_EQ(entry["after"]["status"], "reclaimed");
    EXPECT_EQ(entry["after"]["reclaim_after_seconds"], kThresholdSeconds);
    EXPECT_GT(entry["after"]["idle_seconds"].get<int>(), kThresholdSeconds);
  }
  ProcessResult verified = admin_cli("audit verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.out;

  httplib::Client http(server_.url());
  auto scraped = http.Get("/metrics");
  ASSERT_TRUE(scraped);
  const Scrape scrape = parse_scrape(scraped->body);
  ASSERT_EQ(scrape.problem, "") << scraped->body;
  EXPECT_EQ(scrape.types.at("nodelock_seats_reclaimed_total"), "counter");
  EXPECT_EQ(scrape.value("nodelock_seats_reclaimed_total", {{"license", license.id}}), 1);
}

TEST_F(SeatReclaimTest, AnInactiveLicenseUsersSeatsAreFreedAndTheirCountDrops) {
  const IssuedKey license = reclaiming_license(3);
  ASSERT_EQ(admin()
                .post("/v1/licenses/" + license.id + "/users",
                      {{"email", "anna@example.com"}, {"max_activations", 2}})
                .status,
            201);
  const TestMachine laptop, desktop;
  const std::string laptop_id = activated(laptop, license, "anna@example.com");
  const std::string desktop_id = activated(desktop, license, "anna@example.com");
  const auto anna_seats = [&] {
    return admin().get("/v1/licenses/" + license.id + "/users").body["users"][0]["seats_used"];
  };
  EXPECT_EQ(anna_seats(), 2);

  ASSERT_TRUE(reclaimed(license, laptop_id));
  ASSERT_TRUE(reclaimed(license, desktop_id));
  EXPECT_EQ(anna_seats(), 0);
  for (const auto& entry : audit_log()) {
    if (entry["action"] == "activation.reclaim") {
      EXPECT_EQ(entry["after"]["user"], "anna@example.com");
    }
  }
  EXPECT_EQ(refresh(laptop, license, laptop_id).code(), "seat_reclaimed");
  EXPECT_FALSE(activated(laptop, license, "anna@example.com").empty())
      << "anna activates again within her limit";
}

TEST_F(SeatReclaimTest, BadPoliciesAreRefusedAndChangeNothing) {
  for (const nlohmann::json& threshold :
       {nlohmann::json("30d"), nlohmann::json(-5), nlohmann::json(0), nlohmann::json(1.5),
        nlohmann::json(3650LL * 86400 + 1), nlohmann::json::array()}) {
    Reply refused = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                  {"model", "node-locked"},
                                                  {"max_activations", 1},
                                                  {"reclaim_after_seconds", threshold}});
    EXPECT_EQ(refused.status, 400) << threshold.dump() << ": " << refused.body.dump();
  }
  Reply floating = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                 {"model", "floating"},
                                                 {"max_activations", 2},
                                                 {"reclaim_after_seconds", 60}});
  EXPECT_EQ(floating.code(), "invalid_argument") << floating.body.dump();

  const IssuedKey license =
      create_license({{"max_activations", 1}, {"reclaim_after_seconds", 600}});
  const std::string path = "/v1/licenses/" + license.id + "/reclaim";
  for (const nlohmann::json& body :
       {nlohmann::json::object(), nlohmann::json{{"after_seconds", "1h"}},
        nlohmann::json{{"after_seconds", 60}, {"extra", true}}, nlohmann::json{{"after", 60}}}) {
    EXPECT_EQ(admin().post(path, body).code(), "malformed") << body.dump();
  }
  EXPECT_EQ(admin().post(path, {{"after_seconds", -1}}).code(), "invalid_argument");
  EXPECT_EQ(admin().post(path, {{"after_seconds", 0}}).code(), "invalid_argument");
  EXPECT_EQ(admin().post("/v1/licenses/lic_none/reclaim", {{"after_seconds", 60}}).code(),
            "not_found");

  const std::string viewer = admin().post("/v1/admin-tokens", {{"role", "viewer"}}).body["token"];
  const std::string support = admin().post("/v1/admin-tokens", {{"role", "support"}}).body["token"];
  EXPECT_EQ(ApiClient(server_.url(), viewer).post(path, {{"after_seconds", 900}}).code(),
            "forbidden");
  Reply shorter = ApiClient(server_.url(), support).post(path, {{"after_seconds", 60}});
  EXPECT_EQ(shorter.code(), "forbidden") << "support may not free more seats";
  EXPECT_EQ(license_details(license.id).body["license"]["reclaim_after_seconds"], 600)
      << "a refused change changes nothing";
  EXPECT_EQ(audit_entries("license.reclaim", license.id), 0);

  Reply longer = ApiClient(server_.url(), support).post(path, {{"after_seconds", 900}});
  EXPECT_EQ(longer.status, 200) << longer.body.dump();
  EXPECT_EQ(longer.body["license"]["reclaim_after_seconds"], 900);
  Reply off = ApiClient(server_.url(), support).post(path, {{"after_seconds", nullptr}});
  EXPECT_EQ(off.status, 200) << off.body.dump();
  EXPECT_TRUE(off.body["license"]["reclaim_after_seconds"].is_null());
  EXPECT_EQ(admin().post(path, {{"after_seconds", 60}}).status, 200) << "an admin may shorten it";
  EXPECT_EQ(audit_entries("license.reclaim", license.id), 3);

  EXPECT_EQ(admin().get("/v1/licenses/" + license.id + "/activations?state=idle").code(),
            "invalid_argument");
  ProcessResult bad_interval =
      run_process({server_binary().string(), "serve", "--data",
                   (server_.data_dir() / "other").string(), "--reclaim-interval", "0"});
  EXPECT_EQ(bad_interval.exit_code, 2);
}

// The policy lives in the database: a server started again on the same data
// directory still knows it, and its sweep frees the seats idle since.
TEST(SeatReclaimRestart, ThePolicySurvivesARestartAndTheNextServerSweeps) {
  TempDir data;
  IssuedKey license;
  std::string token;
  const TestMachine machine;
  ServerClock clock;
  {
    ServerProcess first({data.path() / "data", {}, "127.0.0.1:0", &clock});
    token = first.admin_token();
    // The clients hang up before the server stops, which would otherwise wait
    // out their keep-alive connections.
    {
      ApiClient admin(first.url(), first.admin_token());
      ASSERT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
      Reply created = admin.post("/v1/licenses", {{"product", "acme-cad"},
                                                  {"model", "node-locked"},
                                                  {"max_activations", 1},
                                                  {"reclaim_after_seconds", kThresholdSeconds}});
      ASSERT_EQ(created.status, 201) << created.body.dump();
      license = {created.body["id"], created.body["key"]};
      ApiClient client(first.url());
      Reply activated = client.post(
          "/v1/activations",
          {{"request", machine.activation_request(license.key, "acme-cad", unix_now())}});
      ASSERT_EQ(activated.status, 200) << activated.body.dump();
    }
    EXPECT_EQ(first.terminate(), 0);
  }
  clock.advance(std::chrono::seconds(kThresholdSeconds + 1));
  ServerProcess second({data.path() / "data", kSweepEverySecond, "127.0.0.1:0", &clock});
  // The sweep runs once a second of the clock has passed since it started.
  clock.advance(std::chrono::seconds(1));
  ApiClient admin(second.url(), token);
  EXPECT_EQ(admin.get("/v1/licenses/" + license.id).body["license"]["reclaim_after_seconds"],
            kThresholdSeconds);
  const auto deadline = steady_clock::now() + milliseconds(10000);
  std::string state;
  while (steady_clock::now() < deadline && state != "reclaimed") {
    state = admin.get("/v1/licenses/" + license.id).body["activations"][0]["status"];
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(state, "reclaimed");
}

}  // namespace
}  // namespace nodelock::server::testing
