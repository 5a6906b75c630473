// Reading and writing the document files people carry between machines
// (requests, responses, receipts), the same way for every command.
#pragma once

#include <filesystem>
#include <string>

#include "nodelock/crypto/result.h"

namespace nodelock::cli {

// The file's text; one far larger than any document (a disk image picked by
// mistake) is refused as not a nodelock file. Errors: io_error, malformed.
Result<std::string> read_document_file(const std::filesystem::path& path);

// Written whole or not at all, readable by everyone (it holds nothing secret).
Status write_document_file(const std::filesystem::path& path, const std::string& text);

}  // namespace nodelock::cli
