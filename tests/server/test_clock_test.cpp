// The test clock (NODELOCK_TEST_CLOCK, docs/TESTING.md) that the suites move
// instead of sleeping: a server follows it, and it cannot be switched on by
// accident, since a malformed value, a file others may write or a server
// reachable from other machines stops the server before it serves.
#include <sys/stat.h>

#include <chrono>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

TEST(TestClock, TheServerTakesItsTimeFromTheClockFile) {
  ServerClock clock;
  clock.advance(std::chrono::hours(24 * 400));
  ServerProcess server({{}, {}, "127.0.0.1:0", &clock});
  ApiClient admin(server.url(), server.admin_token());
  Reply hook = admin.post("/v1/webhooks", {{"url", "https://hooks.example.com/nodelock"}});
  ASSERT_EQ(hook.status, 201) << hook.body.dump();
  EXPECT_EQ(hook.body["webhook"]["created_at"], clock.now());
}

TEST(TestClock, AClockThatIsNotSafelyATestClockStopsTheServer) {
  TempDir dir;
  const std::string good = (dir / "good").string();
  write_text(good, "1750000000\n");
  const std::string shared = (dir / "shared").string();
  write_text(shared, "1750000000\n");
  ASSERT_EQ(chmod(shared.c_str(), 0666), 0);
  const std::string malformed = (dir / "malformed").string();
  write_text(malformed, "tomorrow\n");
  const std::string two_times = (dir / "two").string();
  write_text(two_times, "1750000000 1750000060\n");
  struct Case {
    std::string value;
    std::string listen;
  };
  for (const Case& unsafe :
       {Case{"", "127.0.0.1:0"}, Case{(dir / "missing").string(), "127.0.0.1:0"},
        Case{malformed, "127.0.0.1:0"}, Case{two_times, "127.0.0.1:0"}, Case{shared, "127.0.0.1:0"},
        Case{good, "0.0.0.0:0"}}) {
    nodelock::testing::ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    options.environment = {"NODELOCK_TEST_CLOCK=" + unsafe.value};
    const ProcessResult served = run_process({server_binary().string(), "serve", "--data",
                                              (dir / "data").string(), "--listen", unsafe.listen},
                                             options);
    EXPECT_EQ(served.exit_code, 1) << unsafe.value << " " << unsafe.listen;
    EXPECT_NE(served.err.find("NODELOCK_TEST_CLOCK is for the test suites only"), std::string::npos)
        << served.err;
    EXPECT_EQ(served.out.find("listening on"), std::string::npos) << served.out;
  }
}

}  // namespace
}  // namespace nodelock::server::testing
