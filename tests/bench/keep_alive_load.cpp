#include "keep_alive_load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include <httplib.h>

namespace nodelock::server::testing {
namespace {

using Clock = std::chrono::steady_clock;

// User plus system CPU time of this process, all threads.
double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

std::optional<std::vector<int>> client_levels(const std::string& list) {
  std::vector<int> levels;
  std::istringstream words(list);
  for (std::string word; std::getline(words, word, ',');) {
    const int clients = std::atoi(word.c_str());
    if (clients < 1) return std::nullopt;
    levels.push_back(clients);
  }
  return levels;
}

std::optional<double> cpu_seconds_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces; fields count from after it.
  const auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  // utime and stime are fields 14 and 15; the first after the name is field 3.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
  return sorted[rank];
}

bool ensure_product(ApiClient& admin, const std::string& id, const std::string& name) {
  const Reply reply = admin.post("/v1/products", {{"id", id}, {"name", name}});
  if (reply.status == 201 || reply.code() == "already_exists") return true;
  std::cerr << "cannot create the product: HTTP " << reply.status << ' ' << reply.body.dump()
            << '\n';
  return false;
}

LoadResult run_load(const std::string& url, const LoadPlan& plan, pid_t server_pid) {
  LoadResult result;
  result.clients = plan.clients;
  std::atomic<int> sent{0};
  std::atomic<int> failed{0};
  std::mutex mutex;
  std::condition_variable changed;
  int ready = 0;
  bool go = false;
  Clock::time_point deadline = Clock::time_point::max();
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(plan.clients));
  std::vector<std::thread> workers;
  for (int c = 0; c < plan.clients; ++c) {
    workers.emplace_back([&, c] {
      httplib::Client client(url);
      // Without TCP_NODELAY each keep-alive request waits out Nagle and the
      // peer's delayed ACK, about 40 ms.
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_read_timeout(30);
      // Connects; a failure here shows in the measured requests.
      (void)client.Get("/v1/health");
      {
        std::unique_lock<std::mutex> lock(mutex);
        ++ready;
        changed.notify_all();
        changed.wait(lock, [&] { return go; });
      }
      std::vector<double>& mine = latencies[static_cast<std::size_t>(c)];
      LoadCall call;
      while (Clock::now() < deadline && plan.next(c, call)) {
        const Clock::time_point started = Clock::now();
        const httplib::Result reply = call.body.empty()
                                          ? client.Get(call.path)
                                          : client.Post(call.path, call.body, "application/json");
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
        ++sent;
        if (reply && reply->status == plan.expected_status) continue;
        if (failed++ == 0) {
          std::lock_guard<std::mutex> lock(mutex);
          result.first_failure = reply ? "HTTP " + std::to_string(reply->status) + " " + reply->body
                                       : "no answer: " + httplib::to_string(reply.error());
        }
      }
    });
  }
  Clock::time_point started;
  double client_cpu = 0;
  std::optional<double> server_cpu;
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return ready == plan.clients; });
    started = Clock::now();
    if (plan.duration) {
      deadline = started + std::chrono::duration_cast<Clock::duration>(*plan.duration);
    }
    client_cpu = own_cpu_seconds();
    if (server_pid > 0) server_cpu = cpu_seconds_of(server_pid);
    go = true;
  }
  changed.notify_all();
  for (std::thread& worker : workers) worker.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.client_cpu_seconds = own_cpu_seconds() - client_cpu;
  if (server_cpu) {
    if (auto now = cpu_seconds_of(server_pid)) result.server_cpu_seconds = *now - *server_cpu;
  }
  std::vector<double> all;
  for (const auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  std::sort(all.begin(), all.end());
  result.p50_us = percentile(all, 0.50);
  result.p99_us = percentile(all, 0.99);
  result.requests = sent;
  result.failed = failed;
  result.ok = result.requests - result.failed;
  return result;
}

}  // namespace nodelock::server::testing
