#include "document_files.h"

#include "nodelock/crypto/file_io.h"

namespace nodelock::cli {

Result<std::string> read_document_file(const std::filesystem::path& path) {
  auto text = read_file(path, 1 << 20);
  if (!text.ok() && text.code() == ErrorCode::payload_too_large) {
    return make_error(ErrorCode::malformed, path.string() + " is too large to be a nodelock file.");
  }
  return text;
}

Status write_document_file(const std::filesystem::path& path, const std::string& text) {
  constexpr std::filesystem::perms kReadable =
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
      std::filesystem::perms::group_read | std::filesystem::perms::others_read;
  return write_file_atomic(path, text, kReadable);
}

}  // namespace nodelock::cli
