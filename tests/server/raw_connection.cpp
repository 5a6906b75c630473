#include "raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace nodelock::server::testing {

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

RawConnection::RawConnection(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) == 1 &&
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0) {
    fd_ = fd;
  } else {
    ::close(fd);
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  return fd_ >= 0 && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                         static_cast<ssize_t>(bytes.size());
}

bool RawConnection::answered(std::chrono::milliseconds wait) const {
  pollfd entry{fd_, POLLIN, 0};
  return fd_ >= 0 && ::poll(&entry, 1, static_cast<int>(wait.count())) > 0;
}

std::size_t RawConnection::send_until_answered(const std::function<std::string()>& next_piece,
                                               std::size_t max_bytes, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::size_t sent = 0;
  while (sent < max_bytes && !answered() && std::chrono::steady_clock::now() < until) {
    const std::string piece = next_piece();
    if (!send(piece)) break;
    sent += piece.size();
  }
  return sent;
}

std::string RawConnection::read_answer(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::string answer;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !answered(left)) break;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  return answer;
}

std::string exchange(int port, const std::string& request) {
  RawConnection connection(port);
  if (!connection.send(request)) return {};
  return connection.read_answer();
}

std::size_t resident_bytes(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string word; status >> word;) {
    std::size_t kib = 0;
    if (word == "VmRSS:" && status >> kib) return kib * 1024;
  }
  return 0;
}

}  // namespace nodelock::server::testing
