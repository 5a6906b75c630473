// The load generator under the server benchmarks: C threads, each on its own
// keep-alive connection opened before the clock starts, send requests as fast
// as answers come, for a fixed list of requests or a fixed time. It reports
// throughput, latency percentiles and the CPU time spent by itself and (given
// its process id) by the server, since on a shared machine wall-clock figures
// move with the other work.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "test_toolkit.h"

namespace nodelock::server::testing {

// One request: POST `body` to `path`, or GET `path` when `body` is empty.
struct LoadCall {
  std::string path;
  std::string body;
};

struct LoadPlan {
  int clients = 1;
  // Fills the next call of client `client` (called on that client's thread
  // only, with the call it filled last time, so buffers are reused); false
  // when the client has nothing more to send.
  std::function<bool(int client, LoadCall& call)> next;
  int expected_status = 200;
  // Set: every client stops sending after this long, whatever `next` has left.
  std::optional<std::chrono::duration<double>> duration;
};

struct LoadResult {
  int clients = 0;
  int requests = 0;  // sent
  int ok = 0;        // answered with the expected status
  int failed = 0;
  std::string first_failure;
  double seconds = 0;
  double p50_us = 0;
  double p99_us = 0;
  double client_cpu_seconds = 0;
  std::optional<double> server_cpu_seconds;

  double per_second() const { return seconds > 0 ? ok / seconds : 0; }
};

// Runs `plan` against `url`; `server_pid` > 0: the server's CPU time is
// measured too.
LoadResult run_load(const std::string& url, const LoadPlan& plan, pid_t server_pid);

// The client counts of a `--levels 1,16,64` option; none when one is not a
// positive number.
std::optional<std::vector<int>> client_levels(const std::string& list);

// User plus system CPU time of process `pid` (all threads), from /proc/PID/stat.
std::optional<double> cpu_seconds_of(pid_t pid);

// The element at `fraction` of a sorted list; 0 when it is empty.
double percentile(const std::vector<double>& sorted, double fraction);

// The product `id`, once per server; an existing one (a second run against
// the same server) is fine. False, having said why on stderr, otherwise.
bool ensure_product(ApiClient& admin, const std::string& id, const std::string& name);

}  // namespace nodelock::server::testing
