// An acknowledged seat survives kill -9: a child process streams seat claims and
// reports each one the store acknowledged; the test kills it with SIGKILL at a
// random moment, reopens the database, and finds every acknowledged seat.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr int kClaimingThreads = 8;

// Runs in the child: claims seats until killed, writing "<activation id>\n" to
// `out` after each acknowledged claim. One write per line is atomic on a pipe.
[[noreturn]] void stream_claims(const std::string& url, int out) {
  auto store = open_store(url);
  if (!store.ok()) _exit(2);
  std::atomic<int> next_machine{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClaimingThreads; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        const int machine = next_machine++;
        auto claim =
            (*store)->claim_seat(claim_for("lic-1", machine, "n" + std::to_string(machine)));
        if (!claim.ok() || !claim->granted) _exit(3);
        const std::string line = claim->activation.id + "\n";
        if (write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

TEST(StoreDurability, EveryAcknowledgedSeatSurvivesKillNine) {
  TempDir dir;
  const std::string url = store_url(dir);
  {
    auto store = open_or_fail(url);
    ASSERT_TRUE(store->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
    ASSERT_TRUE(store->add_license(license_record("lic-1", 1000000), kByAdmin).ok());
  }

  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_ends[0]);
    stream_claims(url, pipe_ends[1]);
  }
  close(pipe_ends[1]);

  std::mt19937 random(std::random_device{}());
  const std::size_t kill_after = std::uniform_int_distribution<std::size_t>(200, 3000)(random);
  std::string received;
  std::size_t lines = 0;
  bool killed = false;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_ends[0], buffer, sizeof buffer);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
    for (ssize_t i = 0; i < n; ++i) lines += buffer[i] == '\n' ? 1 : 0;
    if (!killed && lines >= kill_after) {
      kill(child, SIGKILL);
      killed = true;
    }
  }
  close(pipe_ends[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the claiming process ended on its own with status " << status;

  std::set<std::string> acknowledged;
  std::istringstream ids(received);
  for (std::string id; std::getline(ids, id);) acknowledged.insert(id);
  ASSERT_GE(acknowledged.size(), kill_after);

  auto store = open_or_fail(url);
  const std::vector<Activation> stored = all_activations(*store, "lic-1");
  std::set<std::string> present;
  for (const Activation& seat : stored) present.insert(seat.id);
  for (const std::string& id : acknowledged) {
    ASSERT_EQ(present.count(id), 1u) << "acknowledged seat " << id << " was lost";
  }
  EXPECT_EQ(store->active_seats("lic-1").value(), static_cast<int>(stored.size()));
  EXPECT_EQ(store->license("lic-1")->seats_used, static_cast<int>(stored.size()));
}

}  // namespace
}  // namespace nodelock::server::testing
