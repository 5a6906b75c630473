// cpp-httplib's server with the limits the library lacks (bounded_stream.h,
// connection_admission.h), enforced on the accepted socket. The library lets
// a derived server take over each accepted socket; this one reads it through
// a BoundedStream and so owns the keep-alive loop the library would run.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <memory>

#include "bounded_stream.h"
#include "connection_admission.h"

namespace nodelock::server {

struct ConnectionLimits {
  RequestLimits request;
  std::size_t workers = 128;
  std::size_t reserved_workers = 4;  // of `workers`, for health and metrics
  std::size_t max_per_address = 32;
  std::size_t max_waiting_per_address = 1024;  // connections in line beyond those
};

using TlsContext = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

class BoundedServer final : public httplib::Server {
 public:
  // Installs a pool of `limits.workers` threads as the server's task queue.
  // `tls` set: HTTPS, on that context.
  BoundedServer(const ConnectionLimits& limits, TlsContext tls);

 private:
  bool process_and_close_socket(socket_t socket) override;
  void serve(BoundedStream& stream, ConnectionAdmission::Grant grant);
  void serve_tls(BoundedStream& stream, ConnectionAdmission::Grant grant);

  TlsContext tls_;
  // The pool the library runs, which waiting connections are handed back to.
  httplib::TaskQueue* pool_ = nullptr;
  RequestLimits limits_;
  std::size_t max_per_address_;
  ConnectionAdmission admission_;
};

}  // namespace nodelock::server
