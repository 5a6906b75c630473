// The Store contract across processes: what a write acknowledged survives,
// and how many seats writers in several processes at once are granted.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "store_contract.h"

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

// Reads the ids a stream_claims child acknowledges, kills it with SIGKILL
// after `kill_after` of them, and returns every id it acknowledged.
std::set<std::string> acknowledged_until_killed(pid_t child, int in, std::size_t kill_after) {
  std::string received;
  std::size_t lines = 0;
  bool killed = false;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(in, buffer, sizeof buffer);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
    for (ssize_t i = 0; i < n; ++i) lines += buffer[i] == '\n' ? 1 : 0;
    if (!killed && lines >= kill_after) {
      kill(child, SIGKILL);
      killed = true;
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the claiming process ended on its own with status " << status;
  std::set<std::string> acknowledged;
  std::istringstream ids(received);
  for (std::string id; std::getline(ids, id);) acknowledged.insert(id);
  return acknowledged;
}

using StoreContractAcrossProcesses = StoreContract;

TEST_P(StoreContractAcrossProcesses, EveryAcknowledgedSeatAndItsAuditEntrySurviveKillNine) {
  add_license(license_record("lic-1", 1000000));
  close_store();

  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_ends[0]);
    stream_claims(url_, pipe_ends[1]);
  }
  close(pipe_ends[1]);
  std::mt19937 random(std::random_device{}());
  const std::size_t kill_after = std::uniform_int_distribution<std::size_t>(200, 3000)(random);
  const std::set<std::string> acknowledged =
      acknowledged_until_killed(child, pipe_ends[0], kill_after);
  close(pipe_ends[0]);
  ASSERT_GE(acknowledged.size(), kill_after);

  reopen();
  std::set<std::string> stored;
  for (const Activation& seat : all_activations(*store_, "lic-1")) stored.insert(seat.id);
  for (const std::string& id : acknowledged) {
    ASSERT_EQ(stored.count(id), 1u) << "acknowledged seat " << id << " was lost";
  }
  EXPECT_EQ(store_->active_seats("lic-1").value(), static_cast<int>(stored.size()));
  EXPECT_EQ(store_->license("lic-1")->seats_used, static_cast<int>(stored.size()));

  // The kill lands between any two statements of a write: a seat and its
  // entry are both there or both gone.
  const std::vector<AuditEntry> entries = audit_log(*store_);
  std::set<std::string> audited;
  for (const AuditEntry& entry : entries) {
    if (entry.action == "activation.create") audited.insert(entry.subject);
  }
  EXPECT_EQ(audited, stored);
  EXPECT_FALSE(verify_audit_chain(entries).broken);
}

TEST_P(StoreContractAcrossProcesses, ConcurrentClaimsFromSeveralProcessesGrantExactlyTheSeats) {
  constexpr int kSeats = 5;
  constexpr int kProcesses = 6;
  constexpr int kMachinesEach = 10;
  add_license(license_record("lic-1", kSeats));
  close_store();

  const std::vector<int> granted = in_processes_at_once(kProcesses, [&](int process) {
    auto store = open_store(url_);
    if (!store.ok()) return 100;
    int seats = 0;
    for (int i = 0; i < kMachinesEach; ++i) {
      const int machine = process * kMachinesEach + i;
      auto claim = (*store)->claim_seat(claim_for("lic-1", machine, "n" + std::to_string(machine)));
      if (!claim.ok()) return 101;
      seats += claim->granted ? 1 : 0;
    }
    return seats;
  });
  ASSERT_EQ(granted.size(), static_cast<std::size_t>(kProcesses));
  for (int seats : granted) ASSERT_LE(seats, kMachinesEach) << "a claiming process failed";
  EXPECT_EQ(std::accumulate(granted.begin(), granted.end(), 0), kSeats);

  reopen();
  EXPECT_EQ(store_->active_seats("lic-1").value(), kSeats);
  EXPECT_EQ(store_->license("lic-1")->seats_used, kSeats);
  EXPECT_EQ(all_activations(*store_, "lic-1").size(), static_cast<std::size_t>(kSeats));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractAcrossProcesses,
                         ::testing::ValuesIn(store_backends()), backend_name);

}  // namespace
}  // namespace nodelock::server::testing
