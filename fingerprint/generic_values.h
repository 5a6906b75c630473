// Values that look like identity but are shared by many machines, so a
// fingerprint treats them as absent. Internal; docs/FINGERPRINT.md lists them
// for support staff and vendors.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nodelock::fingerprint::generic_values {

// A firmware (DMI/SMBIOS) serial or UUID a vendor left at its placeholder:
// "To be filled by O.E.M.", "Default string", all-zero or all-F UUIDs, ...
bool is_placeholder_firmware_value(std::string_view value);

// A disk serial every instance of a virtual disk shares (QEMU's "QM00001",
// "overlayblk", Google Cloud's "nvme_card", ...). Also checks the last word,
// since a SCSI wwid ends with the serial.
bool is_generic_disk_serial(std::string_view value);

// The virtualisation product owning the well-known address prefix (OUI) of
// `mac`, or empty when it is not a known virtual prefix.
std::string_view virtual_mac_vendor(const std::array<std::uint8_t, 6>& mac);

}  // namespace nodelock::fingerprint::generic_values
