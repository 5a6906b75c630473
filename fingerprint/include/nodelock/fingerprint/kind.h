// The kinds of evidence a machine fingerprint is made of.
//
// Each kind has a stable lower-case name used in documents, policies and the
// CLI; names are never changed once released, and new kinds are only appended.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace nodelock::fingerprint {

enum class Kind {
  cpu,         // processor vendor, brand and model: weak, identical machines share it
  disk,        // the disk holding the root file system
  mac,         // permanent addresses of physical network interfaces
  machine_id,  // the operating system's installation id
  board,       // firmware (DMI/SMBIOS) serial numbers and UUID
  dongle,      // a USB dongle, added by the dongle module's source
};

inline constexpr std::size_t kind_count = 6;
inline constexpr std::array<Kind, kind_count> all_kinds = {
    Kind::cpu, Kind::disk, Kind::mac, Kind::machine_id, Kind::board, Kind::dongle};

// "cpu", "disk", "mac", "machine_id", "board", "dongle".
std::string_view kind_name(Kind kind);
// The kind of a stable name; nothing for any other text (case matters).
std::optional<Kind> kind_from_name(std::string_view name);

constexpr std::size_t kind_index(Kind kind) { return static_cast<std::size_t>(kind); }

}  // namespace nodelock::fingerprint
