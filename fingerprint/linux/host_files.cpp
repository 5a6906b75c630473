#include "host_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

namespace nodelock::fingerprint::host_files {
namespace {

constexpr std::size_t kAttributeLimit = 4096;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\v' || c == '\f';
}

}  // namespace

std::optional<std::string> read_file(const std::filesystem::path& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  std::string text;
  std::array<char, 4096> buffer;
  bool failed = false;
  while (text.size() < limit) {
    const std::size_t want = std::min(buffer.size(), limit - text.size());
    const ssize_t got = ::read(fd, buffer.data(), want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) failed = true;
    if (got <= 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fd);
  if (failed) return std::nullopt;
  return text;
}

std::optional<std::string> read_attribute(const std::filesystem::path& path) {
  auto text = read_file(path, kAttributeLimit);
  if (!text) return std::nullopt;
  const std::string_view value = trimmed(*text);
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

bool exists_but_unreadable(const std::filesystem::path& path) {
  return ::access(path.c_str(), F_OK) == 0 && ::access(path.c_str(), R_OK) != 0;
}

std::vector<std::string> entry_names(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::filesystem::path> resolved(const std::filesystem::path& path) {
  std::error_code error;
  auto canonical = std::filesystem::canonical(path, error);
  if (error) return std::nullopt;
  return canonical;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace nodelock::fingerprint::host_files
