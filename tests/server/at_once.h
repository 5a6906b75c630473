// A burst of concurrent clients: every thread is started first and then all
// are released together, so the server sees them as one race.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace nodelock::server::testing {

// Runs `call(i)` for every i in [0, count) on a thread of its own; `prepare(i)`
// runs on that thread before the release (to open a connection).
template <class Prepare, class Call>
void run_at_once(int count, Prepare prepare, Call call) {
  std::mutex mutex;
  std::condition_variable start;
  bool go = false;
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      auto prepared = prepare(i);
      {
        std::unique_lock<std::mutex> lock(mutex);
        start.wait(lock, [&] { return go; });
      }
      call(i, prepared);
    });
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    go = true;
  }
  start.notify_all();
  for (auto& thread : threads) thread.join();
}

}  // namespace nodelock::server::testing
