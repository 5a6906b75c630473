// The HTTP(S) API of nodelock-server, on cpp-httplib. docs/API.md documents
// every endpoint and its errors.
//
// Usage:
//   auto server = ApiServer::create(options, context);   // loads TLS files
//   auto url = (*server)->bind();                         // "http://127.0.0.1:41235"
//   (*server)->serve();                                   // until stop()
//
// stop() may be called from any thread (a signal-handling thread, a test).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"

namespace nodelock::server {

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  // Both set: HTTPS with this certificate (chain) and key, PEM.
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_private_key;
  // A keep-alive connection holds a worker while it is open, so this bounds
  // the concurrent clients served without queueing.
  std::size_t worker_threads = 128;
  std::size_t max_body_bytes = 64 * 1024;
  // What one client may take (docs/OPERATIONS.md, "Security"): connections
  // open at once from one address, and the time from a request's first byte
  // to the end of its body.
  std::size_t max_connections_per_address = 32;
  std::chrono::milliseconds request_deadline{10000};
  // Failed license key lookups allowed per client address in a burst, then
  // one per refill interval; refused admin tokens are allowed as many, counted
  // apart.
  int key_failure_burst = 10;
  std::chrono::seconds key_failure_refill{6};
  // An alert of one kind and license is raised at most once per this.
  std::int64_t alert_repeat_seconds = 3600;
  // A failed webhook delivery is tried again after this, doubling each time,
  // and given up after webhook_max_attempts.
  std::int64_t webhook_retry_seconds = 30;
  int webhook_max_attempts = 10;
  // The longest one webhook post waits to connect, and then for the answer.
  std::chrono::seconds webhook_attempt_timeout{10};
  // How often licenses are checked for an expiry 30, 7 or 1 days away.
  std::int64_t expiry_scan_seconds = 3600;
  // How often heartbeats are written and expired leases released: a crash
  // loses at most this much of a lease's renewals.
  std::chrono::milliseconds lease_flush_interval{1000};
  // How often the seats of machines past their license's reclaim threshold
  // are freed (seat_reclaim.h); a seat is freed at most this late.
  std::chrono::seconds reclaim_interval{3600};
  // Set with the test clock only (service/test_clock.h): the lease and
  // reclamation sweeps count their intervals on the services' clock, which a
  // test moves, instead of in real time.
  bool sweeps_follow_clock = false;
};

class ApiServer {
 public:
  // Errors: invalid_argument for a lone TLS file, io_error when the
  // certificate or key cannot be loaded.
  [[nodiscard]] static Result<std::unique_ptr<ApiServer>> create(const ApiOptions& options,
                                                                 ServiceContext context);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listening socket and returns the server's URL with the port it got.
  [[nodiscard]] Result<std::string> bind();
  // Serves on the calling thread until stop(); requests in flight complete.
  [[nodiscard]] Status serve();
  void stop();

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nodelock::server
