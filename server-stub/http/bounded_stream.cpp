#include "bounded_stream.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

namespace nodelock::server {

namespace {

// The paths a monitor polls; the query, if any, does not matter.
bool is_reserved_target(std::string_view request_line) {
  const auto start = request_line.find(' ');
  if (start == std::string_view::npos) return false;
  std::string_view target = request_line.substr(start + 1);
  target = target.substr(0, target.find_first_of(" ?"));
  return target == "/v1/health" || target == "/metrics";
}

constexpr std::size_t kTlsChunk = 1 << 20;

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

// What a failed TLS call returns: 0 at the peer's orderly end, else -1 with
// the socket event the library waits for (0 when the connection failed).
ssize_t tls_failure(SSL* tls, int result, short& wait_for) {
  const int error = SSL_get_error(tls, result);
  wait_for = error == SSL_ERROR_WANT_READ ? POLLIN : error == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
  return error == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

int milliseconds_of(std::chrono::steady_clock::duration wait) {
  const auto count = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::clamp<decltype(count)>(count, 0, 60 * 60 * 1000));
}

}  // namespace

BoundedStream::BoundedStream(socket_t socket, const RequestLimits& limits, std::string peer_ip,
                             int peer_port)
    : socket_(socket), limits_(limits), peer_ip_(std::move(peer_ip)), peer_port_(peer_port) {}

void BoundedStream::begin_request(bool reserved_only) {
  reserved_only_ = reserved_only;
  deadline_ =
      std::chrono::steady_clock::now() +
      (reserved_only ? std::min(limits_.deadline, limits_.reserved_deadline) : limits_.deadline);
  part_ = Part::request_line;
  request_line_.clear();
  line_bytes_ = head_bytes_ = header_lines_ = body_bytes_ = 0;
  crossed_ = LimitCrossed::none;
}

bool BoundedStream::poll_readable(std::chrono::milliseconds wait) const {
  pollfd entry{socket_, POLLIN, 0};
  return ::poll(&entry, 1, milliseconds_of(wait)) > 0;
}

bool BoundedStream::await_socket(short events, std::chrono::milliseconds wait,
                                 bool within_deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (within_deadline && now >= deadline_) {
    cross(LimitCrossed::deadline);
    return false;
  }
  const auto limit = within_deadline
                         ? std::min<std::chrono::steady_clock::duration>(wait, deadline_ - now)
                         : std::chrono::steady_clock::duration(wait);
  pollfd entry{socket_, events, 0};
  int ready;
  do {
    ready = ::poll(&entry, 1, milliseconds_of(limit));
  } while (ready < 0 && errno == EINTR);
  if (ready > 0) return true;
  if (ready == 0 && within_deadline && std::chrono::steady_clock::now() >= deadline_) {
    cross(LimitCrossed::deadline);
  }
  return false;
}

ssize_t BoundedStream::receive_some(char* into, std::size_t size, short& wait_for) {
  if (tls_ != nullptr) {
    const int moved =
        SSL_read(tls_, into, static_cast<int>(std::min<std::size_t>(size, kTlsChunk)));
    return moved > 0 ? moved : tls_failure(tls_, moved, wait_for);
  }
  const ssize_t moved = ::recv(socket_, into, size, 0);
  wait_for = moved < 0 && would_block() ? POLLIN : 0;
  return moved;
}

ssize_t BoundedStream::send_some(const char* from, std::size_t size, short& wait_for) {
  if (tls_ != nullptr) {
    const int moved =
        SSL_write(tls_, from, static_cast<int>(std::min<std::size_t>(size, kTlsChunk)));
    return moved > 0 ? moved : tls_failure(tls_, moved, wait_for);
  }
  const ssize_t moved = ::send(socket_, from, size, MSG_NOSIGNAL);
  wait_for = moved < 0 && would_block() ? POLLOUT : 0;
  return moved;
}

bool BoundedStream::accept_tls(SSL* tls, std::chrono::milliseconds limit) {
  tls_ = tls;
  deadline_ = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const int done = SSL_accept(tls_);
    if (done == 1) return true;
    short wait_for = 0;
    tls_failure(tls_, done, wait_for);
    if (wait_for == 0 || !await_socket(wait_for, limits_.read_timeout, true)) return false;
  }
}

ssize_t BoundedStream::refill() {
  next_ = end_ = 0;
  for (;;) {
    short wait_for = 0;
    const ssize_t received = receive_some(buffer_.data(), buffer_.size(), wait_for);
    if (received >= 0) {
      end_ = static_cast<std::size_t>(received);
      return received;
    }
    if (wait_for == 0 || !await_socket(wait_for, limits_.read_timeout, true)) return -1;
  }
}

bool BoundedStream::count_head_byte(char byte) {
  ++head_bytes_;
  ++line_bytes_;
  if (part_ == Part::request_line) {
    if (line_bytes_ > limits_.max_request_line) {
      cross(LimitCrossed::request_line);
      return false;
    }
    if (reserved_only_) request_line_.push_back(byte);
  }
  if (head_bytes_ > limits_.max_head_bytes) {
    cross(LimitCrossed::head_size);
    return false;
  }
  if (byte != '\n') return true;
  if (part_ == Part::request_line) {
    part_ = Part::headers;
    if (reserved_only_ && !is_reserved_target(request_line_)) {
      cross(LimitCrossed::reserved_only);
      return false;
    }
  } else if (line_bytes_ == 2) {  // the blank line that ends the head
    part_ = Part::body;
  } else if (++header_lines_ > limits_.max_header_lines) {
    cross(LimitCrossed::header_count);
    return false;
  }
  line_bytes_ = 0;
  return true;
}

bool BoundedStream::count(const char* bytes, std::size_t size) {
  // The library reads the head one byte at a time, so only a few bytes pass
  // through this loop per call.
  std::size_t at = 0;
  for (; at < size && part_ != Part::body; ++at) {
    if (!count_head_byte(bytes[at])) return false;
  }
  body_bytes_ += size - at;
  if (body_bytes_ > limits_.max_body_bytes) {
    cross(LimitCrossed::body_size);
    return false;
  }
  return true;
}

ssize_t BoundedStream::read(char* ptr, std::size_t size) {
  if (crossed_ != LimitCrossed::none) return -1;
  if (!has_buffered_bytes()) {
    const ssize_t received = refill();
    if (received <= 0) return received;
  }
  const std::size_t taken = std::min(size, end_ - next_);
  if (!count(buffer_.data() + next_, taken)) return -1;
  std::memcpy(ptr, buffer_.data() + next_, taken);
  next_ += taken;
  return static_cast<ssize_t>(taken);
}

bool BoundedStream::write_all(const char* bytes, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    short wait_for = 0;
    const ssize_t written = send_some(bytes + sent, size - sent, wait_for);
    if (written >= 0) {
      sent += static_cast<std::size_t>(written);
    } else if (wait_for == 0 || !await_socket(wait_for, limits_.write_timeout, false)) {
      return false;
    }
  }
  return true;
}

ssize_t BoundedStream::write(const char* ptr, std::size_t size) {
  // The library still answers a request it could not read; the refusal of
  // the limit crossed goes out in its place.
  if (crossed_ != LimitCrossed::none) return static_cast<ssize_t>(size);
  return write_all(ptr, size) ? static_cast<ssize_t>(size) : -1;
}

bool BoundedStream::is_readable() const {
  return has_buffered_bytes() || poll_readable(limits_.read_timeout);
}

// write() waits for the socket itself, within the write timeout.
bool BoundedStream::is_writable() const { return true; }

void BoundedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = peer_ip_;
  port = peer_port_;
}

void BoundedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  socket_address(socket_, ::getsockname, ip, port);
}

bool socket_address(socket_t socket, AddressQuery query, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (query(socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) return false;
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, service,
                    sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return false;
  }
  ip = host;
  port = std::atoi(service);
  return true;
}

}  // namespace nodelock::server
