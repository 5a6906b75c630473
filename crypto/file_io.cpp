#include "nodelock/crypto/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock {
namespace {

Error io_failure(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorCode::io_error,
                    "cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

// Closes a descriptor on every path out of write_file_atomic.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace

Status read_file_into(const std::filesystem::path& path, std::size_t max_size, std::string& data) {
  data.clear();
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever; a
  // regular file ignores the flag.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return io_failure("read", path);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return io_failure("read", path);
  if (!S_ISREG(status.st_mode)) {
    return make_error(ErrorCode::io_error,
                      "cannot read " + path.string() +
                          ": it is not a regular file (a directory, pipe or device); give the "
                          "path of a file");
  }
  char buffer[8192];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return io_failure("read", path);
    }
    if (got == 0) break;
    if (data.size() + static_cast<std::size_t>(got) > max_size) {
      return make_error(ErrorCode::payload_too_large, path.string() + " is larger than " +
                                                          std::to_string(max_size) +
                                                          " bytes; it is not a nodelock file");
    }
    data.append(buffer, static_cast<std::size_t>(got));
  }
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_size) {
  std::string data;
  if (auto status = read_file_into(path, max_size, data); !status.ok()) return status.error();
  return data;
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view data,
                         std::filesystem::perms mode) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const std::filesystem::path temporary =
      directory /
      ("." + path.filename().string() + "." + encoding::hex(crypto::random_bytes(6)) + ".tmp");
  {
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                             static_cast<mode_t>(mode)));
    if (fd.get() < 0) return io_failure("create", temporary);
    // The umask may have removed bits the caller asked for (e.g. 0644 for a
    // public key); fchmod on our own fresh descriptor sets exactly `mode`.
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0 || !write_all(fd.get(), data) ||
        ::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
      const Error error = io_failure("write", temporary);
      ::unlink(temporary.c_str());
      return error;
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const Error error = io_failure("replace", path);
    ::unlink(temporary.c_str());
    return error;
  }
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) return io_failure("flush directory of", path);
  return {};
}

}  // namespace nodelock
