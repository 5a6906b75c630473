#include "armor.h"

#include <algorithm>
#include <cstdint>

#include "transit.h"

namespace nodelock::armor {
namespace {

constexpr std::string_view kHeaderSeparator = ": ";

bool is_header_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Headers end up on support staff's terminals, so a value may not carry control
// characters (C0, DEL or C1, which includes the 8-bit escape CSI) nor bytes that
// are not UTF-8: a crafted file must not be able to repaint the screen.
bool is_printable_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kShortest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    if (code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F)) return false;
    i += length;
  }
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

std::string shown_char(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

Error at_line(std::size_t number, const std::string& problem) {
  return make_error(ErrorCode::malformed, "line " + std::to_string(number) + ": " + problem);
}

}  // namespace

Status check_header(const Header& header) {
  if (header.name.empty()) return make_error(ErrorCode::malformed, "a header has no name");
  for (const char c : header.name) {
    if (!is_header_name_char(c)) {
      return make_error(ErrorCode::malformed,
                        "a header name may hold only letters, digits and '-'");
    }
  }
  if (header.value.empty() || is_space(header.value.front()) || is_space(header.value.back())) {
    return make_error(ErrorCode::malformed,
                      "header " + header.name + " is empty or has white space at either end");
  }
  if (!is_printable_utf8(header.value)) {
    return make_error(ErrorCode::malformed,
                      "header " + header.name + " holds control characters or is not UTF-8");
  }
  if (header.name.size() + kHeaderSeparator.size() + header.value.size() > kMaxHeaderLine) {
    return make_error(ErrorCode::malformed, "header " + header.name + " is longer than " +
                                                std::to_string(kMaxHeaderLine) + " bytes");
  }
  return {};
}

std::string wrap(std::string_view label, const std::vector<Header>& headers,
                 std::string_view base64_body) {
  std::string text;
  text.reserve(base64_body.size() + base64_body.size() / kBodyLineWidth + 128 +
               headers.size() * 64);
  text.append(kBeginPrefix).append(label).append(kDashes).append("\n");
  for (const Header& header : headers) {
    text.append(header.name).append(kHeaderSeparator).append(header.value).append("\n");
  }
  text.append("\n");
  for (std::size_t at = 0; at < base64_body.size(); at += kBodyLineWidth) {
    text.append(base64_body.substr(at, kBodyLineWidth)).append("\n");
  }
  text.append(kEndPrefix).append(label).append(kDashes).append("\n");
  return text;
}

Result<Armored> unwrap(std::string_view text) {
  auto utf8 = as_utf8(text);
  if (!utf8.ok()) return utf8.error();
  auto block = find_block(*utf8);
  if (!block.ok()) return block.error();
  const std::vector<BlockLine>& lines = block->inside;
  Armored armored;
  armored.label = std::move(block->label);

  std::size_t index = 0;
  for (; index < lines.size() && !lines[index].text.empty(); ++index) {
    const BlockLine& line = lines[index];
    if (armored.headers.size() == kMaxHeaders) {
      return at_line(line.number, "more than " + std::to_string(kMaxHeaders) + " headers");
    }
    if (line.text.size() > kMaxHeaderLine) {
      return at_line(line.number,
                     "a header longer than " + std::to_string(kMaxHeaderLine) + " bytes");
    }
    const std::size_t separator = line.text.find(kHeaderSeparator);
    if (separator == std::string_view::npos) {
      return at_line(line.number,
                     "expected a \"Name: value\" header or the empty line before the body");
    }
    Header header{std::string(line.text.substr(0, separator)),
                  std::string(line.text.substr(separator + kHeaderSeparator.size()))};
    if (auto status = check_header(header); !status.ok()) {
      return at_line(line.number, status.message());
    }
    armored.headers.push_back(std::move(header));
  }
  if (index == lines.size()) {
    return at_line(block->end_line, "no empty line and body before the END line");
  }
  // Mail programs re-wrap long lines and editors join them: the body is its
  // lines joined, whatever their width; the base64 decoder is strict about the rest.
  for (; index < lines.size(); ++index) {
    const BlockLine& line = lines[index];
    const auto stray = std::find_if_not(line.text.begin(), line.text.end(), is_base64_char);
    if (stray != line.text.end()) {
      return at_line(line.number, "the body holds " + shown_char(*stray) +
                                      ", which is not base64: the block was changed on its "
                                      "way; copy it again from BEGIN to END");
    }
    armored.body.append(line.text);
  }
  if (armored.body.empty()) return at_line(block->end_line, "the body is missing");
  return armored;
}

}  // namespace nodelock::armor
