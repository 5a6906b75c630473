// Families, USB ids and the standard allow-list.
#include <cstdio>
#include <set>
#include <utility>

#include "nodelock/dongle/dongle.h"

namespace nodelock::dongle {
namespace {

constexpr std::uint16_t kPidCodesVendor = 0x1209;  // pid.codes, ids for open hardware
constexpr std::uint16_t kPidCodesPrototype = 0x0001;
constexpr std::uint16_t kYubicoVendor = 0x1050;
// Yubico products with an OTP interface, the one that answers challenge-response:
// YubiKey 1-2, NEO (four modes), YubiKey 4 and 5 (four modes), YubiKey Plus.
constexpr std::uint16_t kYubiKeyOtpProducts[] = {0x0010, 0x0110, 0x0111, 0x0114, 0x0116,
                                                 0x0401, 0x0403, 0x0405, 0x0407, 0x0410};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex16(std::string_view text, std::uint16_t& out) {
  if (text.size() != 4) return false;
  unsigned value = 0;
  for (const char c : text) {
    const int digit = hex_digit(c);
    if (digit < 0) return false;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

std::string_view family_name(Family family) { return family == Family::nldg ? "nldg" : "yubikey"; }

std::optional<Family> family_from_name(std::string_view name) {
  if (name == "nldg") return Family::nldg;
  if (name == "yubikey") return Family::yubikey;
  return std::nullopt;
}

std::string usb_id_text(std::uint16_t vendor, std::uint16_t product) {
  char text[10];
  std::snprintf(text, sizeof text, "%04x:%04x", unsigned{vendor}, unsigned{product});
  return text;
}

Result<std::vector<UsbId>> parse_usb_ids(std::string_view text, Family family) {
  std::vector<UsbId> ids;
  std::set<std::pair<std::uint16_t, std::uint16_t>> seen;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view entry = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::size_t colon = entry.find(':');
    UsbId id;
    id.family = family;
    if (colon == std::string_view::npos || !parse_hex16(entry.substr(0, colon), id.vendor) ||
        !parse_hex16(entry.substr(colon + 1), id.product)) {
      return make_error(ErrorCode::invalid_argument,
                        "'" + std::string(entry) +
                            "' is not a USB id: write vendor and product as four hex digits "
                            "each, e.g. 1209:0001, and separate several with commas");
    }
    if (!seen.insert({id.vendor, id.product}).second) {
      return make_error(ErrorCode::invalid_argument,
                        "the USB id " + usb_id_text(id.vendor, id.product) + " is given twice");
    }
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ids;
}

const std::vector<UsbId>& standard_allow_list() {
  static const std::vector<UsbId> ids = [] {
    std::vector<UsbId> list = {{kPidCodesVendor, kPidCodesPrototype, Family::nldg}};
    for (const std::uint16_t product : kYubiKeyOtpProducts) {
      list.push_back({kYubicoVendor, product, Family::yubikey});
    }
    return list;
  }();
  return ids;
}

std::string PluggedDongle::describe() const {
  return std::string(family == Family::nldg ? "NLDG dongle " : "YubiKey ") +
         usb_id_text(vendor_id, product_id) + " on bus " + std::to_string(bus) + ", address " +
         std::to_string(address);
}

}  // namespace nodelock::dongle
