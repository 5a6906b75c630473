#include "armor.h"

#include <cstdint>

namespace nodelock::armor {
namespace {

constexpr std::string_view kBeginPrefix = "-----BEGIN NODELOCK ";
constexpr std::string_view kEndPrefix = "-----END NODELOCK ";
constexpr std::string_view kDashes = "-----";
constexpr std::string_view kHeaderSeparator = ": ";

bool is_header_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool is_label_char(char c) { return (c >= 'A' && c <= 'Z') || c == ' '; }

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

Error at_line(std::size_t index, const std::string& problem) {
  return make_error(ErrorCode::malformed, "line " + std::to_string(index + 1) + ": " + problem);
}

// Lines without their ending: "\n" or "\r\n", and any white space before it.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || is_space(line.back()))) line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
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
  const std::vector<std::string_view> lines = split_lines(text);
  if (lines.empty()) return make_error(ErrorCode::malformed, "the file is empty");

  const std::string_view begin = lines.front();
  if (begin.size() <= kBeginPrefix.size() + kDashes.size() ||
      begin.substr(0, kBeginPrefix.size()) != kBeginPrefix ||
      begin.substr(begin.size() - kDashes.size()) != kDashes) {
    return at_line(0, "expected -----BEGIN NODELOCK <TYPE>-----");
  }
  Armored armored;
  armored.label = std::string(
      begin.substr(kBeginPrefix.size(), begin.size() - kBeginPrefix.size() - kDashes.size()));
  for (const char c : armored.label) {
    if (!is_label_char(c)) return at_line(0, "the document type is not upper-case words");
  }
  const std::size_t last = lines.size() - 1;
  if (last == 0 || lines[last] != std::string(kEndPrefix) + armored.label + std::string(kDashes)) {
    return at_line(last, "expected -----END NODELOCK " + armored.label + "----- to end it");
  }

  std::size_t index = 1;
  for (; index < last && !lines[index].empty(); ++index) {
    if (armored.headers.size() == kMaxHeaders) {
      return at_line(index, "more than " + std::to_string(kMaxHeaders) + " headers");
    }
    const std::string_view line = lines[index];
    if (line.size() > kMaxHeaderLine) {
      return at_line(index, "a header longer than " + std::to_string(kMaxHeaderLine) + " bytes");
    }
    const std::size_t separator = line.find(kHeaderSeparator);
    if (separator == std::string_view::npos) {
      return at_line(index, "expected a \"Name: value\" header or the empty line before the body");
    }
    Header header{std::string(line.substr(0, separator)),
                  std::string(line.substr(separator + kHeaderSeparator.size()))};
    if (auto status = check_header(header); !status.ok()) return at_line(index, status.message());
    armored.headers.push_back(std::move(header));
  }
  if (index == last) return at_line(index, "no empty line and body before the END line");
  ++index;
  if (index == last) return at_line(index, "the body is missing");

  for (; index < last; ++index) {
    const std::string_view line = lines[index];
    const bool final_line = index + 1 == last;
    if (line.empty() || line.size() > kBodyLineWidth ||
        (!final_line && line.size() != kBodyLineWidth)) {
      return at_line(index, "body lines must be " + std::to_string(kBodyLineWidth) +
                                " characters, the last one at most that");
    }
    armored.body.append(line);
  }
  return armored;
}

}  // namespace nodelock::armor
