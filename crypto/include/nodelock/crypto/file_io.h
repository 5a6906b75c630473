// Reading and writing the small files nodelock keeps: keys, licenses, state.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock {

// Reads a whole regular file of at most `max_size` bytes. Errors: io_error
// (missing, unreadable, or not a regular file, such as a directory or a FIFO
// that would block; the message names the file) or payload_too_large.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_size = 1 << 20);

// read_file into `data`, reusing its capacity: a caller that re-reads the same
// small file often allocates nothing once `data` has grown to fit it. `data`
// holds no meaningful content after an error.
Status read_file_into(const std::filesystem::path& path, std::size_t max_size, std::string& data);

// Replaces `path` atomically: a reader or a crash sees the old file or the new
// one, never a half-written one. The data is written to a temporary file created
// with `mode` in the same directory (a private key is never readable by others,
// not even for a moment), flushed to disk, renamed over `path`, and the directory
// is flushed so the rename itself survives a power cut.
Status write_file_atomic(const std::filesystem::path& path, std::string_view data,
                         std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                       std::filesystem::perms::owner_write);

}  // namespace nodelock
