#include "generic_values.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>

namespace nodelock::fingerprint::generic_values {
namespace {

// Firmware placeholders, compared as their letters and digits only, lower-cased
// ("To Be Filled By O.E.M" and "To be filled by OEM." are both "tobefilledbyoem"),
// so punctuation and spacing variants of one phrase need no entry of their own.
// A value equal to a word, or containing a phrase, is a placeholder.
constexpr std::string_view kPlaceholderWords[] = {
    "default", "none", "na", "oem", "serial", "invalid", "unknown", "empty", "notset",
};
constexpr std::string_view kPlaceholderPhrases[] = {
    "tobefilled", "defaultstring", "notspecified", "notapplicable", "notavailable",  "notsettable",
    "notpresent", "serialnumber",  "systemserial", "boardserial",   "chassisserial", "productname",
};

// A maker's code in front of a counted placeholder ("MB-1234567890"): up to
// this many letters.
constexpr std::size_t kMaxPlaceholderPrefix = 4;
// "123456" and longer counting runs are typed-in placeholders; shorter runs
// occur inside real serials.
constexpr std::size_t kMinCountingRun = 6;
// A UUID with this many zero digits of its 32 is a firmware's fill pattern (AMI's
// "03000200-0400-0500-0006-000700080009" and its pre-SMBIOS-2.6 byte order
// "00020003-0004-0005-0006-000700080009"); a random UUID has about two.
constexpr std::size_t kMinZerosInPlaceholderUuid = 16;

constexpr std::string_view kGenericDiskSerials[] = {
    "QM00001",    "QM00002",      "QM00003", "QM00004",  // QEMU's default IDE/SATA serials
    "overlayblk",                                        // a sandbox's shared virtio root disk
    "nvme_card",  "nvme_card-pd",                        // Google Cloud NVMe
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

// Letters and digits only, lower-cased.
std::string compact(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// Position in "0123456789abcdef...z", so that "0123456789abcdef" counts up too.
int symbol_rank(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10;
}

// "12345678", "1234567890", "987654321", "0123456789abcdef": each symbol one
// above (or each one below) the previous; 9 may wrap to 0, as people type it.
bool is_counting_run(std::string_view run) {
  if (run.size() < kMinCountingRun) return false;
  for (const int step : {1, -1}) {
    bool counts = true;
    for (std::size_t i = 1; i < run.size() && counts; ++i) {
      const int previous = symbol_rank(run[i - 1]);
      const int current = symbol_rank(run[i]);
      const bool wraps = step == 1 ? previous == 9 && current == 0 : previous == 0 && current == 9;
      counts = current == previous + step || wraps;
    }
    if (counts) return true;
  }
  return false;
}

// A counting run, alone or behind a short maker's code ("MB-1234567890").
bool is_counted_placeholder(std::string_view symbols) {
  for (std::size_t prefix = 0; prefix <= kMaxPlaceholderPrefix && prefix < symbols.size();
       ++prefix) {
    if (prefix > 0 && !std::isalpha(static_cast<unsigned char>(symbols[prefix - 1]))) break;
    if (is_counting_run(symbols.substr(prefix))) return true;
  }
  return false;
}

// "12121212", "abcdabcdabcd": a short unit said over and over.
bool is_repeated_unit(std::string_view symbols) {
  for (std::size_t unit = 2; unit <= 4; ++unit) {
    if (symbols.size() < 3 * unit || symbols.size() % unit != 0) continue;
    bool repeats = true;
    for (std::size_t i = unit; i < symbols.size() && repeats; ++i) {
      repeats = symbols[i] == symbols[i % unit];
    }
    if (repeats) return true;
  }
  return false;
}

bool is_uuid_shaped(std::string_view value) {
  constexpr std::string_view kShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (value.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const bool hex = std::isxdigit(static_cast<unsigned char>(value[i])) != 0;
    if (kShape[i] == '-' ? value[i] != '-' : !hex) return false;
  }
  return true;
}

bool is_mostly_zero_uuid(std::string_view value) {
  return is_uuid_shaped(value) &&
         static_cast<std::size_t>(std::count(value.begin(), value.end(), '0')) >=
             kMinZerosInPlaceholderUuid;
}

bool is_placeholder_phrase(const std::string& symbols) {
  const auto is = [&symbols](std::string_view word) { return symbols == word; };
  const auto contains = [&symbols](std::string_view phrase) {
    return symbols.find(phrase) != std::string::npos;
  };
  return std::any_of(std::begin(kPlaceholderWords), std::end(kPlaceholderWords), is) ||
         std::any_of(std::begin(kPlaceholderPhrases), std::end(kPlaceholderPhrases), contains);
}

bool generic_serial_word(std::string_view word) {
  if (one_symbol_repeated(word) || is_counted_placeholder(compact(word))) return true;
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
  if (one_symbol_repeated(value) || is_mostly_zero_uuid(value)) return true;
  const std::string symbols = compact(value);
  return one_symbol_repeated(symbols) || is_placeholder_phrase(symbols) ||
         is_counted_placeholder(symbols) || is_repeated_unit(symbols);
}

bool is_uuid(std::string_view value) { return is_uuid_shaped(trim(value)); }

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
