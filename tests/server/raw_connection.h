// A client socket that writes requests byte for byte, for what no client of
// ours would send: malformed, huge, or trickled requests.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace nodelock::server::testing {

int port_of(const std::string& url);

class RawConnection {
 public:
  // Connects to the loopback `port` from `source`, another loopback address
  // standing for another client.
  explicit RawConnection(int port, const std::string& source = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False once the server stopped reading (closed or reset).
  bool send(const std::string& bytes);
  // True when the server has answered or closed: bytes or an end wait to be read.
  bool answered(std::chrono::milliseconds wait = std::chrono::milliseconds(0)) const;
  // Sends what `next_piece` returns until the server answers or stops
  // reading, `max_bytes` are sent or `limit` passes; the bytes sent.
  std::size_t send_until_answered(const std::function<std::string()>& next_piece,
                                  std::size_t max_bytes, std::chrono::seconds limit);
  // What the server sends until it closes the connection or `limit` passes.
  std::string read_answer(std::chrono::milliseconds limit = std::chrono::milliseconds(3000));

 private:
  int fd_ = -1;
};

// Sends `request` as it is on a new connection and returns the whole answer.
std::string exchange(int port, const std::string& request);

// The resident memory of process `pid` in bytes (VmRSS); 0 when unknown.
std::size_t resident_bytes(int pid);

}  // namespace nodelock::server::testing
