// Two real nodelock-server processes sharing one PostgreSQL database, as
// instances behind a load balancer: the seat limit holds across them.
#include <string>
#include <vector>

#include "at_once.h"
#include "postgres_database.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

TEST(PostgresServers, AHundredActivationsOverTwoInstancesGrantExactlyTheTenSeats) {
  const std::string db = new_postgres_database();
  TempDir dir;
  // The instances share the data directory's keys and pepper; only the
  // records live in the database.
  ServerProcess first({dir / "data", {"--db", db}});
  ASSERT_FALSE(first.url().empty());
  ServerProcess second({dir / "data", {"--db", db}});
  ASSERT_FALSE(second.url().empty());
  ApiClient admin(first.url(), first.admin_token());
  ASSERT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
  Reply created = admin.post(
      "/v1/licenses", {{"product", "acme-cad"}, {"model", "node-locked"}, {"max_activations", 10}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string key = created.body["key"];

  constexpr int kMachines = 100;
  std::vector<std::string> requests;
  for (int i = 0; i < kMachines; ++i) {
    requests.push_back(TestMachine().activation_request(key, "acme-cad", unix_now()));
  }
  ActivationTally tally;
  run_at_once(
      kMachines, [&](int i) { return ApiClient(i % 2 == 0 ? first.url() : second.url()); },
      [&](int i, ApiClient& client) {
        tally.count(
            client.post("/v1/activations", {{"request", requests[static_cast<std::size_t>(i)]}}));
      });
  EXPECT_EQ(tally.granted.load(), 10);
  EXPECT_EQ(tally.refused.load(), 90);
  EXPECT_EQ(tally.other.load(), 0);
  // Each instance reads the same seats, and the shared audit log is one chain.
  for (const ServerProcess* server : {&first, &second}) {
    Reply shown = ApiClient(server->url(), first.admin_token())
                      .get("/v1/licenses/" + created.body["id"].get<std::string>());
    EXPECT_EQ(shown.body["seats"]["used"], 10);
    EXPECT_EQ(shown.body["activations"].size(), 10u);
  }
  ProcessResult verified = run_shell(nodelock_binary().string() + " admin audit verify --server " +
                                     second.url() + " --token " + first.admin_token());
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
}

TEST(PostgresServers, InitOnAnUnreachableDatabaseExitsOneSayingWhatToCheck) {
  TempDir dir;
  ProcessResult init =
      run_shell("(" + server_binary().string() + " init --data " + (dir / "data").string() +
                " --db 'postgresql:///licenses?host=" + (dir / "no-socket").string() + "' 2>&1)");
  EXPECT_EQ(init.exit_code, 1) << init.out;
  EXPECT_NE(init.out.find("cannot connect to the license database (PostgreSQL database "
                          "'licenses'"),
            std::string::npos)
      << init.out;
  EXPECT_NE(init.out.find("check the --db URL"), std::string::npos) << init.out;
}

}  // namespace
}  // namespace nodelock::server::testing
