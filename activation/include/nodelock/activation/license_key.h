// License keys: what a customer types to activate, e.g. 04106-1050R-3GG28-A1C60-T3GF5.
//
// 25 Crockford base32 symbols ("0123456789ABCDEFGHJKMNPQRSTVWXYZ"): 24 carry 120
// random bits, the 25th is a check symbol that catches every single mistyped
// symbol and every swap of two symbols, so a typo is reported at once, without a
// round trip to the server and without counting as a guess there.
//
// Typing is forgiving: case does not matter, O reads as 0, I and L as 1, spaces
// (any white space, no-break ones too) and dashes (typographic ones too) may
// appear anywhere or not at all. U is not a key symbol. docs/FORMATS.md specifies
// the check symbol.
//
// A LicenseKey is a plain value, always well formed: the only ways to get one
// are generate() and a successful parse().
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock {

class LicenseKey {
 public:
  static constexpr std::size_t kSymbols = 25;
  static constexpr std::size_t kGroupSize = 5;
  static constexpr std::size_t kRandomBytes = 15;

  // A fresh key of 120 bits from the operating system's random source.
  static LicenseKey generate();

  // The key a person typed. Errors (invalid_key), worded for that person: a
  // character that keys do not use (naming it and its position), a wrong number
  // of characters, or a failed check symbol (a mistyped character).
  static Result<LicenseKey> parse(std::string_view typed);

  // "04106-1050R-3GG28-A1C60-T3GF5": upper case, dashed, as it is printed.
  std::string text() const;
  // The last group, e.g. "T3GF5": enough for people to tell their keys apart, too
  // little to use one.
  std::string last_group() const;
  // The 120 random bits, e.g. for the keyed hash the server stores.
  const std::array<std::uint8_t, kRandomBytes>& bytes() const { return bytes_; }

  friend bool operator==(const LicenseKey& a, const LicenseKey& b) { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const LicenseKey& a, const LicenseKey& b) { return !(a == b); }

 private:
  explicit LicenseKey(const std::array<std::uint8_t, kRandomBytes>& bytes);

  std::array<std::uint8_t, kRandomBytes> bytes_{};
  std::array<char, kSymbols> symbols_{};
};

}  // namespace nodelock
