#include "bounded_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>

#include "error_table.h"

namespace nodelock::server {

namespace {

struct Refusal {
  int status;
  const char* reason;
  Error error;
};

Refusal refusal_of(LimitCrossed limit, const RequestLimits& limits) {
  const auto bytes = [](std::size_t count) { return std::to_string(count) + " bytes"; };
  switch (limit) {
    case LimitCrossed::request_line:
      return {414, "URI Too Long",
              make_error(ErrorCode::payload_too_large, "the request line is over the limit of " +
                                                           bytes(limits.max_request_line) +
                                                           "; send long data in the body")};
    case LimitCrossed::head_size:
    case LimitCrossed::header_count:
      return {431, "Request Header Fields Too Large",
              make_error(ErrorCode::payload_too_large,
                         "the request's headers are over the limit of " +
                             std::to_string(limits.max_header_lines) + " lines and " +
                             bytes(limits.max_head_bytes))};
    case LimitCrossed::body_size:
      return {413, "Payload Too Large",
              make_error(ErrorCode::payload_too_large,
                         "the request body is over the limit of " + bytes(limits.max_body_bytes))};
    case LimitCrossed::deadline:
      return {408, "Request Timeout",
              make_error(ErrorCode::malformed, "the request did not arrive in full within " +
                                                   std::to_string(limits.deadline.count()) +
                                                   " ms; send the whole request at once")};
    case LimitCrossed::reserved_only:
    case LimitCrossed::none:
      break;
  }
  return {503, "Service Unavailable",
          make_error(ErrorCode::rate_limited,
                     "the server is busy with other connections; try again in 1 second")};
}

Refusal too_many_connections(std::size_t max_per_address) {
  return {429, "Too Many Requests",
          make_error(ErrorCode::rate_limited,
                     "this address has " + std::to_string(max_per_address) +
                         " connections served and as many waiting as the server lets one "
                         "address queue; close idle connections or try again in 1 second")};
}

void send_refusal(BoundedStream& stream, const Refusal& refusal) {
  const bool retry_soon = refusal.error.code == ErrorCode::rate_limited;
  const std::string body = error_body(refusal.error, retry_soon ? nlohmann::json{{"retry_after", 1}}
                                                                : nlohmann::json::object())
                               .dump();
  const std::string retry = retry_soon ? "Retry-After: 1\r\n" : "";
  const std::string answer =
      "HTTP/1.1 " + std::to_string(refusal.status) + " " + refusal.reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n" + retry + "\r\n" + body;
  stream.write_all(answer.data(), answer.size());
}

// Closing a socket with unread bytes sends a reset, which can destroy the
// refusal before the client reads it. So the refusal is followed by the end
// of what the server sends, and what the client still sends is read and
// dropped for up to `linger` (only what has already arrived, at zero).
void close_after_refusal(socket_t socket, std::chrono::milliseconds linger) {
  constexpr std::size_t kMaxDrained = 1024 * 1024;
  ::shutdown(socket, SHUT_WR);
  const auto until = std::chrono::steady_clock::now() + linger;
  char sink[16 * 1024];
  for (std::size_t drained = 0; drained < kMaxDrained;) {
    const ssize_t received = ::recv(socket, sink, sizeof sink, 0);
    if (received == 0) return;
    if (received > 0) {
      drained += static_cast<std::size_t>(received);
      continue;
    }
    if (errno == EINTR) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || left.count() <= 0) return;
    pollfd entry{socket, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) return;
  }
}

}  // namespace

BoundedServer::BoundedServer(const ConnectionLimits& limits, TlsContext tls)
    : tls_(std::move(tls)),
      limits_(limits.request),
      max_per_address_(limits.max_per_address),
      admission_(limits.workers, limits.reserved_workers, limits.max_per_address,
                 limits.max_waiting_per_address, [this](socket_t socket) {
                   // Only a worker of the pool releases a place, so the pool
                   // still runs and takes this before it stops.
                   pool_->enqueue([this, socket] { process_and_close_socket(socket); });
                 }) {
  const std::size_t workers = limits.workers;
  new_task_queue = [this, workers] {
    pool_ = new httplib::ThreadPool(workers);
    return pool_;
  };
}

bool BoundedServer::process_and_close_socket(socket_t socket) {
  std::string ip;
  int port = 0;
  socket_address(socket, ::getpeername, ip, port);
  // Every wait is the stream's own poll, bounded by the request's deadline.
  ::fcntl(socket, F_SETFL, ::fcntl(socket, F_GETFL) | O_NONBLOCK);
  BoundedStream stream(socket, limits_, ip, port);
  {
    const ConnectionAdmission::Ticket ticket = admission_.admit(ip, socket);
    if (ticket.grant() == ConnectionAdmission::Grant::waiting) return true;
    if (ticket.grant() != ConnectionAdmission::Grant::refused) {
      if (tls_) {
        serve_tls(stream, ticket.grant());
      } else {
        serve(stream, ticket.grant());
      }
    } else if (!tls_) {
      // Over HTTPS the refusal would cost a handshake, which is what the
      // limit spares; the connection is just closed.
      send_refusal(stream, too_many_connections(max_per_address_));
      close_after_refusal(socket, std::chrono::milliseconds(0));
    }
  }
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
  return true;
}

void BoundedServer::serve_tls(BoundedStream& stream, ConnectionAdmission::Grant grant) {
  const std::unique_ptr<SSL, decltype(&SSL_free)> tls(SSL_new(tls_.get()), SSL_free);
  if (!tls || SSL_set_fd(tls.get(), stream.socket()) != 1) return;
  const bool reserved_only = grant == ConnectionAdmission::Grant::reserved_only;
  if (!stream.accept_tls(tls.get(), reserved_only ? limits_.reserved_deadline : limits_.deadline)) {
    return;
  }
  serve(stream, grant);
  SSL_shutdown(tls.get());
}

void BoundedServer::serve(BoundedStream& stream, ConnectionAdmission::Grant grant) {
  // A reserved worker serves one request, so it is soon free for the next probe.
  const bool reserved_only = grant == ConnectionAdmission::Grant::reserved_only;
  std::size_t requests_left = reserved_only ? 1 : keep_alive_max_count_;
  const std::chrono::milliseconds idle_wait =
      reserved_only ? limits_.reserved_deadline : std::chrono::seconds(keep_alive_timeout_sec_);
  const auto running = [this] { return svr_sock_ != INVALID_SOCKET; };
  while (requests_left > 0 && stream.await_request(idle_wait, running)) {
    stream.begin_request(reserved_only);
    bool closed = false;
    const bool answered = process_request(stream, requests_left == 1, closed, nullptr);
    if (stream.limit_crossed() != LimitCrossed::none) {
      send_refusal(stream, refusal_of(stream.limit_crossed(), limits_));
      // A reserved worker lingers for no one: the next probe may be waiting.
      close_after_refusal(stream.socket(), reserved_only ? std::chrono::milliseconds(0)
                                                         : std::chrono::milliseconds(500));
      return;
    }
    if (!answered || closed) return;
    --requests_left;
  }
}

}  // namespace nodelock::server
