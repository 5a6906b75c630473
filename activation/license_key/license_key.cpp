#include "nodelock/activation/license_key.h"

#include <cstdio>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock {
namespace {

// The check symbol. Symbols are elements of GF(32) = GF(2)[x] / (x^5 + x^2 + 1),
// and the key is valid when  sum over i of  alpha^i * s_i  = 0, with alpha = x.
//
// x^5 + x^2 + 1 is primitive, so alpha has multiplicative order 31 and alpha^k = 1
// only when 31 divides k. Hence:
// - a substitution at position i by an error e != 0 changes the sum by
//   alpha^i * e, never 0: every single mistyped symbol is caught;
// - swapping unequal symbols a, b at positions i < j changes it by
//   (alpha^i + alpha^j) * (a + b) = alpha^i * (1 + alpha^(j-i)) * (a + b), zero only
//   when alpha^(j-i) = 1, i.e. j - i a multiple of 31; a key spans 24 positions,
//   so every transposition, adjacent or not, is caught.
// A plain sum mod 32 would miss every transposition, and a weighted sum mod 32
// misses substitutions whenever a weight shares a factor of 2 with 32.
constexpr unsigned kFieldModulus = 0x25;  // x^5 + x^2 + 1
constexpr std::size_t kDataSymbols = LicenseKey::kSymbols - 1;
// alpha^-24 = alpha^(31-24): the factor that solves for the check symbol.
constexpr unsigned kCheckExponent = 31 - kDataSymbols;

unsigned times_alpha(unsigned element) {
  element <<= 1;
  return (element & 0x20u) != 0 ? element ^ kFieldModulus : element;
}

// sum of alpha^i * values[i], by Horner's rule from the last symbol down.
template <std::size_t N>
unsigned weighted_sum(const std::array<std::uint8_t, N>& values, std::size_t count) {
  unsigned sum = 0;
  for (std::size_t i = count; i-- > 0;) sum = times_alpha(sum) ^ values[i];
  return sum;
}

unsigned check_value(const std::array<std::uint8_t, LicenseKey::kSymbols>& values) {
  unsigned check = weighted_sum(values, kDataSymbols);
  for (std::size_t k = 0; k < kCheckExponent; ++k) check = times_alpha(check);
  return check;
}

bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Typographic dashes and no-break spaces arrive when a key is copied out of a
// PDF or a word processor; people cannot see that they differ from '-' and ' '.
bool is_typographic_separator(std::uint32_t code_point) {
  return code_point == 0x00A0 || (code_point >= 0x2010 && code_point <= 0x2015) ||
         code_point == 0x2212 || code_point == 0x202F;
}

// The length of the UTF-8 sequence at the start of `text` and its code point;
// length 0 when the bytes are not UTF-8.
std::size_t decode_utf8(std::string_view text, std::uint32_t& code_point) {
  const auto lead = static_cast<std::uint8_t>(text[0]);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || length > text.size() || lead >= 0xF8) return 0;
  code_point = lead & (0x7Fu >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<std::uint8_t>(text[k]);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = code_point << 6 | (next & 0x3Fu);
  }
  return length;
}

Error not_a_key_character(std::string shown, std::size_t position) {
  return make_error(ErrorCode::invalid_key, shown + " at position " + std::to_string(position) +
                                                " is not used in license keys");
}

std::string shown_byte(unsigned char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", c);
  return std::string("the byte ") + hex;
}

// Crockford's reading of look-alikes, after upper-casing.
char read_symbol(unsigned char c) {
  const char upper =
      (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c);
  if (upper == 'O') return '0';
  if (upper == 'I' || upper == 'L') return '1';
  return upper;
}

}  // namespace

LicenseKey::LicenseKey(const std::array<std::uint8_t, kRandomBytes>& bytes) : bytes_(bytes) {
  const std::string data = encoding::crockford32(bytes_, kRandomBytes * 8);
  std::array<std::uint8_t, kSymbols> values{};
  for (std::size_t i = 0; i < kDataSymbols; ++i) {
    symbols_[i] = data[i];
    values[i] = static_cast<std::uint8_t>(encoding::crockford32_value(data[i]));
  }
  // The symbol of a 5-bit value: the top 5 bits of one byte.
  symbols_[kDataSymbols] = encoding::crockford32(
      std::array<std::uint8_t, 1>{static_cast<std::uint8_t>(check_value(values) << 3)}, 5)[0];
}

LicenseKey LicenseKey::generate() {
  std::array<std::uint8_t, kRandomBytes> bytes{};
  crypto::random_bytes(bytes.data(), bytes.size());
  return LicenseKey(bytes);
}

Result<LicenseKey> LicenseKey::parse(std::string_view typed) {
  std::array<std::uint8_t, kSymbols> values{};
  std::size_t count = 0;
  std::size_t position = 0;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    ++position;
    const auto c = static_cast<unsigned char>(typed[i]);
    if (c >= 0x80) {
      std::uint32_t code_point = 0;
      const std::size_t length = decode_utf8(typed.substr(i), code_point);
      if (length == 0) return not_a_key_character(shown_byte(c), position);
      if (!is_typographic_separator(code_point)) {
        return not_a_key_character("'" + std::string(typed.substr(i, length)) + "'", position);
      }
      i += length - 1;
      continue;
    }
    if (c == '-' || is_space(c)) continue;
    const int value = encoding::crockford32_value(read_symbol(c));
    if (value < 0) return not_a_key_character(shown_byte(c), position);
    if (count < kSymbols) values[count] = static_cast<std::uint8_t>(value);
    ++count;
  }
  if (count != kSymbols) {
    return make_error(
        ErrorCode::invalid_key,
        "a license key has 25 characters in 5 groups, this has " + std::to_string(count));
  }
  if (weighted_sum(values, kSymbols) != 0) {
    return make_error(ErrorCode::invalid_key,
                      "this is not a valid license key; check for a mistyped character");
  }
  // 24 symbols of 5 bits are exactly the 120 bits, most significant first.
  std::array<std::uint8_t, kRandomBytes> bytes{};
  for (std::size_t bit = 0; bit < kRandomBytes * 8; ++bit) {
    const unsigned set = values[bit / 5] >> (4 - bit % 5) & 1u;
    bytes[bit / 8] = static_cast<std::uint8_t>(bytes[bit / 8] | set << (7 - bit % 8));
  }
  return LicenseKey(bytes);
}

std::string LicenseKey::text() const {
  std::string text;
  text.reserve(kSymbols + kSymbols / kGroupSize - 1);
  for (std::size_t i = 0; i < kSymbols; ++i) {
    if (i != 0 && i % kGroupSize == 0) text.push_back('-');
    text.push_back(symbols_[i]);
  }
  return text;
}

std::string LicenseKey::last_group() const {
  return std::string(symbols_.end() - kGroupSize, symbols_.end());
}

}  // namespace nodelock
