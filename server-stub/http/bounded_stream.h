// The stream every request of nodelock-server is read through.
//
// cpp-httplib 0.11 bounds each read in time but not a request: a client that
// sends one header line every few seconds holds a worker for as long as it
// likes, and header lines and chunked bodies are taken without limit (its
// size limits are compiled into the shared library, and its body limit reads
// Content-Length only). Here every byte the library reads counts against the
// request's budgets and its deadline. Past one, reads fail, whatever the
// library then answers is dropped, and the connection gets the refusal of the
// limit crossed instead (bounded_server.h) and is closed.
#pragma once

#include <sys/socket.h>

#include <httplib.h>
#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

namespace nodelock::server {

struct RequestLimits {
  // From a request's first byte to the end of its body: the library's own
  // timeout restarts with every read, which a trickle of bytes never reaches.
  std::chrono::milliseconds deadline{10000};
  // The same, and the wait for a first byte, on a worker kept for health and
  // metrics, which must come free again quickly: a probe sends its few bytes
  // at once.
  std::chrono::milliseconds reserved_deadline{2000};
  std::size_t max_request_line = CPPHTTPLIB_REQUEST_URI_MAX_LENGTH;
  std::size_t max_head_bytes = 32 * 1024;  // request line and headers
  std::size_t max_header_lines = 100;
  // Counted on the wire, so a chunked body's framing counts too.
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds read_timeout{10000};  // one wait for bytes
  std::chrono::milliseconds write_timeout{10000};
};

enum class LimitCrossed {
  none,
  request_line,   // 414
  head_size,      // 431
  header_count,   // 431
  body_size,      // 413
  deadline,       // 408
  reserved_only,  // 503: a reserved worker serves health and metrics only
};

// getpeername or getsockname.
using AddressQuery = int (*)(int, sockaddr*, socklen_t*);
// The numeric address (as the library writes REMOTE_ADDR) and port of one
// end of `socket`.
bool socket_address(socket_t socket, AddressQuery query, std::string& ip, int& port);

class BoundedStream final : public httplib::Stream {
 public:
  // `socket` must be non-blocking; the stream neither owns nor closes it.
  BoundedStream(socket_t socket, const RequestLimits& limits, std::string peer_ip, int peer_port);

  // Makes the stream HTTPS on `tls` (set up on the socket, owned by the
  // caller): true once the handshake completed within `limit`, which a
  // client that stalls it does not extend.
  bool accept_tls(SSL* tls, std::chrono::milliseconds limit);

  // True when a request's first bytes are here or arrive within `wait`;
  // false at the end of the connection or once `keep_waiting` says stop.
  template <class KeepWaiting>
  bool await_request(std::chrono::milliseconds wait, KeepWaiting keep_waiting) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (keep_waiting()) {
      if (has_buffered_bytes() || poll_readable(kStopCheckInterval)) return true;
      if (std::chrono::steady_clock::now() >= until) return false;
    }
    return false;
  }
  // Starts a request's budgets and its deadline; `reserved_only`: only a
  // request for /v1/health or /metrics is let through.
  void begin_request(bool reserved_only);
  LimitCrossed limit_crossed() const { return crossed_; }
  // Writes past the refusal rule: the refusal itself.
  bool write_all(const char* bytes, std::size_t size);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return socket_; }

 private:
  enum class Part { request_line, headers, body };
  // How often a waiting connection looks whether the server is stopping.
  static constexpr std::chrono::milliseconds kStopCheckInterval{25};

  bool has_buffered_bytes() const {
    return next_ < end_ || (tls_ != nullptr && SSL_pending(tls_) > 0);
  }
  bool poll_readable(std::chrono::milliseconds wait) const;
  // Waits for `events` up to `wait`; `within_deadline`: cut short by the
  // request's deadline, which writes are not.
  bool await_socket(short events, std::chrono::milliseconds wait, bool within_deadline);
  // One recv or SSL_read, send or SSL_write: the bytes moved, or -1 with the
  // socket event to wait for in `wait_for` (0 when the connection failed).
  ssize_t receive_some(char* into, std::size_t size, short& wait_for);
  ssize_t send_some(const char* from, std::size_t size, short& wait_for);
  ssize_t refill();
  // Counts bytes handed to the library; false once they cross a limit.
  bool count(const char* bytes, std::size_t size);
  bool count_head_byte(char byte);
  void cross(LimitCrossed limit) { crossed_ = limit; }

  socket_t socket_;
  SSL* tls_ = nullptr;
  const RequestLimits& limits_;
  std::string peer_ip_;
  int peer_port_;

  std::array<char, 16 * 1024> buffer_{};
  std::size_t next_ = 0;
  std::size_t end_ = 0;

  std::chrono::steady_clock::time_point deadline_;
  bool reserved_only_ = false;
  Part part_ = Part::request_line;
  std::string request_line_;
  std::size_t line_bytes_ = 0;
  std::size_t head_bytes_ = 0;
  std::size_t header_lines_ = 0;
  std::size_t body_bytes_ = 0;
  LimitCrossed crossed_ = LimitCrossed::none;
};

}  // namespace nodelock::server
