// Small reads of procfs, sysfs and /etc under a host's root. Internal.
//
// procfs and sysfs files report a size of 0, so these read until end of file
// (up to a limit) instead of trusting stat(); a value is read with one open and
// one or two read calls into a stack buffer.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nodelock::fingerprint::host_files {

// Up to `limit` bytes of the file, or nothing when it cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& path, std::size_t limit);

// A one-value attribute ("serial", "address", "machine-id"): its text without
// surrounding white space and NULs; nothing when absent, unreadable or empty.
std::optional<std::string> read_attribute(const std::filesystem::path& path);

// True when the file exists but this process may not read it (DMI serials are
// readable by root only).
bool exists_but_unreadable(const std::filesystem::path& path);

// The entry names of a directory, sorted; empty when it cannot be listed.
std::vector<std::string> entry_names(const std::filesystem::path& directory);

// The path with every symbolic link resolved, or nothing when it does not
// exist. sysfs links are relative, so inside a mounted system tree they resolve
// within that tree.
std::optional<std::filesystem::path> resolved(const std::filesystem::path& path);

// `text` without surrounding white space and NULs.
std::string_view trimmed(std::string_view text);

}  // namespace nodelock::fingerprint::host_files
