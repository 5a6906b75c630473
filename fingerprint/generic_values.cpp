#include "generic_values.h"

#include <algorithm>
#include <cctype>

namespace nodelock::fingerprint::generic_values {
namespace {

// Compared without regard to case, after white space is trimmed.
constexpr std::string_view kFirmwarePlaceholders[] = {
    "To be filled by O.E.M.",
    "To be filled by OEM",
    "To Be Filled By O.E.M.",
    "Default string",
    "Default",
    "None",
    "Not Specified",
    "Not Applicable",
    "Not Available",
    "N/A",
    "NA",
    "OEM",
    "O.E.M.",
    "System Serial Number",
    "System Product Name",
    "Chassis Serial Number",
    "Base Board Serial Number",
    "Type2 - Board Serial Number",
    "SerialNumber",
    "Serial",
    "Invalid",
    "Unknown",
    "Empty",
    "0123456789",
    "123456789",
    "1234567890",
    // A UUID AMI firmware ships on many boards whose maker did not set one.
    "03000200-0400-0500-0006-000700080009",
};

constexpr std::string_view kGenericDiskSerials[] = {
    "QM00001",    "QM00002",      "QM00003", "QM00004",  // QEMU's default IDE/SATA serials
    "overlayblk",                                        // a sandbox's shared virtio root disk
    "nvme_card",  "nvme_card-pd",                        // Google Cloud NVMe
    "0123456789", "1234567890",
};

constexpr std::string_view kGenericDiskSerialPrefixes[] = {
    "persistent-disk-",  // Google Cloud names every instance's boot disk alike
};

struct VirtualPrefix {
  std::array<std::uint8_t, 3> oui;
  std::string_view vendor;
};

constexpr VirtualPrefix kVirtualMacPrefixes[] = {
    {{0x00, 0x05, 0x69}, "VMware"},    {{0x00, 0x0c, 0x29}, "VMware"},
    {{0x00, 0x1c, 0x14}, "VMware"},    {{0x00, 0x50, 0x56}, "VMware"},
    {{0x00, 0x16, 0x3e}, "Xen"},       {{0x08, 0x00, 0x27}, "VirtualBox"},
    {{0x00, 0x15, 0x5d}, "Hyper-V"},   {{0x00, 0x03, 0xff}, "Virtual PC"},
    {{0x00, 0x1c, 0x42}, "Parallels"}, {{0x00, 0x0f, 0x4b}, "Oracle VM"},
    {{0x00, 0x21, 0xf6}, "Oracle VM"}, {{0x52, 0x54, 0x00}, "QEMU/KVM"},
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// "000000", "FFFF-FFFF", "........": one symbol repeated, ignoring separators.
bool one_symbol_repeated(std::string_view value) {
  char symbol = 0;
  for (const char c : value) {
    if (c == '-' || c == ':' || c == ' ') continue;
    const char folded = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (symbol == 0) symbol = folded;
    if (folded != symbol) return false;
  }
  return true;
}

bool generic_serial_word(std::string_view word) {
  if (one_symbol_repeated(word)) return true;
  for (const std::string_view serial : kGenericDiskSerials) {
    if (equal_ignoring_case(word, serial)) return true;
  }
  for (const std::string_view prefix : kGenericDiskSerialPrefixes) {
    if (word.size() >= prefix.size() &&
        equal_ignoring_case(word.substr(0, prefix.size()), prefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_placeholder_firmware_value(std::string_view value) {
  value = trim(value);
  if (one_symbol_repeated(value)) return true;
  return std::any_of(
      std::begin(kFirmwarePlaceholders), std::end(kFirmwarePlaceholders),
      [value](std::string_view placeholder) { return equal_ignoring_case(value, placeholder); });
}

bool is_generic_disk_serial(std::string_view value) {
  value = trim(value);
  if (generic_serial_word(value)) return true;
  const auto space = value.find_last_of(" \t");
  return space != std::string_view::npos && generic_serial_word(value.substr(space + 1));
}

std::string_view virtual_mac_vendor(const std::array<std::uint8_t, 6>& mac) {
  for (const VirtualPrefix& prefix : kVirtualMacPrefixes) {
    if (std::equal(prefix.oui.begin(), prefix.oui.end(), mac.begin())) return prefix.vendor;
  }
  return {};
}

}  // namespace nodelock::fingerprint::generic_values
