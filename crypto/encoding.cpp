#include "nodelock/crypto/encoding.h"

#include <array>

namespace nodelock::encoding {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kCrockfordAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  return -1;
}

std::array<std::int8_t, 256> base64_values() {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 64; ++i) {
    values[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}

Error bad_base64(const std::string& why) {
  return make_error(ErrorCode::malformed, "invalid base64: " + why);
}

}  // namespace

// The encoders write into text sized once: a server encodes every document it
// signs, and appending a character at a time cost it twice as much.
std::string hex(crypto::ByteView bytes) {
  std::string text(bytes.size() * 2, '\0');
  char* out = text.data();
  for (const std::uint8_t byte : bytes) {
    *out++ = kHexDigits[byte >> 4];
    *out++ = kHexDigits[byte & 0x0f];
  }
  return text;
}

Result<crypto::Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return make_error(ErrorCode::malformed, "invalid hex: odd number of digits");
  }
  crypto::Bytes bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) {
      const std::size_t at = high < 0 ? i : i + 1;
      return make_error(ErrorCode::malformed, "invalid hex: character " + std::to_string(at) +
                                                  " is not a lower-case hex digit");
    }
    bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
  }
  return bytes;
}

std::string base64(crypto::ByteView bytes) {
  std::string text((bytes.size() + 2) / 3 * 4, '\0');
  char* out = text.data();
  const std::uint8_t* in = bytes.data();
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group =
        std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[0] = kBase64Alphabet[group >> 18];
    out[1] = kBase64Alphabet[group >> 12 & 0x3f];
    out[2] = kBase64Alphabet[group >> 6 & 0x3f];
    out[3] = kBase64Alphabet[group & 0x3f];
    out += 4;
  }
  const std::size_t rest = bytes.size() - i;
  if (rest != 0) {
    std::uint32_t group = std::uint32_t{in[i]} << 16;
    if (rest == 2) group |= std::uint32_t{in[i + 1]} << 8;
    out[0] = kBase64Alphabet[group >> 18];
    out[1] = kBase64Alphabet[group >> 12 & 0x3f];
    out[2] = rest == 2 ? kBase64Alphabet[group >> 6 & 0x3f] : '=';
    out[3] = '=';
  }
  return text;
}

Result<crypto::Bytes> from_base64(std::string_view text) {
  static const std::array<std::int8_t, 256> values = base64_values();
  if (text.size() % 4 != 0) return bad_base64("length is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  crypto::Bytes bytes(text.size() / 4 * 3 - padding);
  std::uint8_t* out = bytes.data();
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t symbols = last ? 4 - padding : 4;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      if (j >= symbols) {
        group <<= 6;
        continue;
      }
      const int value = values[static_cast<unsigned char>(text[i + j])];
      if (value < 0) {
        return bad_base64("character " + std::to_string(i + j) + " is not in the alphabet");
      }
      group = group << 6 | static_cast<std::uint32_t>(value);
    }
    *out++ = static_cast<std::uint8_t>(group >> 16);
    if (symbols > 2) *out++ = static_cast<std::uint8_t>(group >> 8);
    if (symbols > 3) *out++ = static_cast<std::uint8_t>(group);
    // The bits a padded group leaves over must be zero; otherwise several texts
    // would decode to the same bytes and a changed character could go unnoticed.
    const std::uint32_t unused_bits = symbols == 2 ? 0xffff : symbols == 3 ? 0xff : 0;
    if ((group & unused_bits) != 0) return bad_base64("non-zero bits after the last byte");
  }
  return bytes;
}

std::string crockford32(crypto::ByteView bytes, std::size_t bits) {
  const std::size_t symbols = (bits + 4) / 5;
  // Leading zero bits pad the value to whole symbols, so the text is the number
  // the bits spell, most significant symbol first.
  const std::size_t padding = symbols * 5 - bits;
  auto bit = [&](std::size_t index) -> unsigned {
    if (index < padding) return 0;
    const std::size_t from_front = index - padding;
    if (from_front / 8 >= bytes.size()) return 0;
    return bytes.data()[from_front / 8] >> (7 - from_front % 8) & 1u;
  };
  std::string text;
  text.reserve(symbols);
  for (std::size_t s = 0; s < symbols; ++s) {
    unsigned value = 0;
    for (std::size_t b = 0; b < 5; ++b) value = value << 1 | bit(s * 5 + b);
    text.push_back(kCrockfordAlphabet[value]);
  }
  return text;
}

int crockford32_value(char symbol) {
  for (int value = 0; value < 32; ++value) {
    if (kCrockfordAlphabet[value] == symbol) return value;
  }
  return -1;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The range the first continuation byte may take is what rules out overlong
    // forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

bool is_display_text(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes || !is_valid_utf8(text)) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return false;
    // U+0080..U+009F, the C1 controls, are 0xC2 0x80..0x9F in UTF-8.
    if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
      return false;
    }
  }
  return true;
}

}  // namespace nodelock::encoding
