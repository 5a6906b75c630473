// Values that look like identity but are shared by many machines, so a
// fingerprint treats them as absent. Internal; docs/FINGERPRINT.md lists them
// for support staff and vendors.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nodelock::fingerprint::generic_values {

// A firmware (DMI/SMBIOS) serial or UUID a vendor left at its placeholder,
// recognised by pattern: placeholder phrases in any spelling ("To Be Filled By
// O.E.M", "Not Settable", "System Serial #"), counting or repeating runs
// ("12345678", "MB-1234567890", "0123456789ABCDEF"), one symbol repeated
// (all-zero or all-F UUIDs) and UUIDs that are mostly zeros (AMI's defaults).
bool is_placeholder_firmware_value(std::string_view value);

// 8-4-4-4-12 hexadecimal digits (surrounding white space ignored), in either case.
bool is_uuid(std::string_view value);

// A disk serial every instance of a virtual disk shares (QEMU's "QM00001",
// "overlayblk", Google Cloud's "nvme_card", ...). Also checks the last word,
// since a SCSI wwid ends with the serial.
bool is_generic_disk_serial(std::string_view value);

// The virtualisation product owning the well-known address prefix (OUI) of
// `mac`, or empty when it is not a known virtual prefix.
std::string_view virtual_mac_vendor(const std::array<std::uint8_t, 6>& mac);

}  // namespace nodelock::fingerprint::generic_values
