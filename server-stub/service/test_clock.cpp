#include "test_clock.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>

namespace nodelock::server {
namespace {

// One positive decimal number, a trailing newline allowed.
std::optional<UnixTime> read_time(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  std::string digits = text.str();
  if (!digits.empty() && digits.back() == '\n') digits.pop_back();
  UnixTime time = 0;
  const auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), time);
  if (problem != std::errc() || end != digits.data() + digits.size() || time <= 0) {
    return std::nullopt;
  }
  return time;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Error refused(const std::string& why) {
  return make_error(ErrorCode::invalid_argument, std::string(kTestClockVariable) +
                                                     " is for the test suites only: " + why +
                                                     "; unset it to run on the system clock");
}

}  // namespace

Result<std::shared_ptr<TestClock>> TestClock::open(const std::string& file,
                                                   const std::string& listen_host) {
  if (file.empty()) return refused("it is set but empty");
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return refused(file + " is not a file");
  }
  if (status.st_uid != ::geteuid() || (status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return refused(file + " must belong to this user and be writable by no one else");
  }
  const auto start = read_time(file);
  if (!start) return refused(file + " must hold one Unix time in seconds, e.g. 1750000000");
  if (!is_loopback(listen_host)) {
    return refused("the server must listen on a loopback address, not " + listen_host);
  }
  return std::shared_ptr<TestClock>(new TestClock(file, *start));
}

UnixTime TestClock::now() const {
  if (const auto read = read_time(file_)) last_ = *read;
  return last_;
}

}  // namespace nodelock::server
