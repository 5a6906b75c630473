#include "transit.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "armor.h"

namespace nodelock::armor {
namespace {

constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";
constexpr char kAdvice[] = "save the attachment itself, or paste the whole block from BEGIN to END";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

enum class ByteOrder { little_endian, big_endian };

// `skipped`: the bytes of the byte order mark before `bytes`, so a message names
// the byte as the file counts it.
Result<std::string> from_utf16(std::string_view bytes, ByteOrder order, std::size_t skipped) {
  if (bytes.size() % 2 != 0) {
    return make_error(ErrorCode::malformed,
                      "the file is UTF-16 text with an odd number of bytes: it was cut short; "
                      "copy it again");
  }
  const auto unit_at = [&](std::size_t at) {
    const auto first = static_cast<std::uint8_t>(bytes[at]);
    const auto second = static_cast<std::uint8_t>(bytes[at + 1]);
    return order == ByteOrder::little_endian ? static_cast<std::uint32_t>(first | second << 8)
                                             : static_cast<std::uint32_t>(second | first << 8);
  };
  const auto broken = [skipped](std::size_t at) {
    return make_error(ErrorCode::malformed,
                      "the file is UTF-16 text with a broken character at "
                      "byte " +
                          std::to_string(skipped + at) + "; save it again as UTF-8 or plain text");
  };
  std::string text;
  text.reserve(bytes.size() / 2);
  for (std::size_t at = 0; at < bytes.size(); at += 2) {
    std::uint32_t unit = unit_at(at);
    if (unit >= 0xDC00 && unit <= 0xDFFF) return broken(at);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (at + 4 > bytes.size()) return broken(at);
      const std::uint32_t low = unit_at(at + 2);
      if (low < 0xDC00 || low > 0xDFFF) return broken(at);
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      at += 2;
    }
    append_utf8(text, unit);
  }
  if (starts_with(text, kUtf8ByteOrderMark)) text.erase(0, kUtf8ByteOrderMark.size());
  return text;
}

// UTF-16 saved without a byte order mark: the text nodelock writes is ASCII, so
// every other byte of its start is NUL, and on the side the byte order says.
std::optional<ByteOrder> utf16_by_nul_bytes(std::string_view raw) {
  const std::size_t sample = std::min<std::size_t>(raw.size(), 256) & ~std::size_t{1};
  if (sample < 4) return std::nullopt;
  std::size_t nul_even = 0;
  std::size_t nul_odd = 0;
  for (std::size_t at = 0; at < sample; at += 2) {
    nul_even += raw[at] == '\0';
    nul_odd += raw[at + 1] == '\0';
  }
  const std::size_t pairs = sample / 2;
  if (nul_even == 0 && nul_odd * 4 >= pairs * 3) return ByteOrder::little_endian;
  if (nul_odd == 0 && nul_even * 4 >= pairs * 3) return ByteOrder::big_endian;
  return std::nullopt;
}

struct Line {
  std::string_view text;
  std::size_t number;
};

// Lines ending in "\n", "\r\n" or a lone "\r" (old Mac editors), without white
// space at their end: mail programs add and remove it freely.
std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    lines.push_back({line, lines.size() + 1});
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  return lines;
}

// A line without the "> " a mail program puts before quoted text (once per
// level) and without indentation. Neither '>' nor white space starts a line of
// the armor, so stripping them is unambiguous.
struct Unquoted {
  std::string_view text;
  std::size_t depth;  // the number of '>'
};

Unquoted unquoted(std::string_view line) {
  std::size_t depth = 0;
  std::size_t at = 0;
  for (; at < line.size() && (line[at] == '>' || is_blank(line[at])); ++at) {
    depth += line[at] == '>';
  }
  return {line.substr(at), depth};
}

// A piece of the file shown in a message: printable ASCII only, so a crafted
// file cannot repaint the terminal, and short.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string out;
  for (const char c : text.substr(0, kShown)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return text.size() > kShown ? out + "..." : out;
}

std::string at_line(std::size_t number) { return "line " + std::to_string(number) + ": "; }

Error no_block(const std::vector<Line>& lines) {
  const auto first =
      std::find_if(lines.begin(), lines.end(), [](const Line& line) { return !line.text.empty(); });
  if (first == lines.end()) {
    return make_error(ErrorCode::malformed, std::string("the file is empty; ") + kAdvice);
  }
  for (const Line& line : lines) {
    const Unquoted content = unquoted(line.text);
    if (starts_with(content.text, kEndPrefix)) {
      return make_error(ErrorCode::malformed,
                        at_line(line.number) + "found '" + shown(content.text) +
                            "' but no -----BEGIN NODELOCK line before it: the start of the "
                            "block is missing; " +
                            kAdvice);
    }
    if (content.text.find(kBeginPrefix) != std::string_view::npos) {
      return make_error(ErrorCode::malformed,
                        at_line(line.number) +
                            "other text comes before -----BEGIN NODELOCK on the same line; put "
                            "each line of the block on a line of its own, as it was sent");
    }
  }
  return make_error(ErrorCode::malformed,
                    "found no -----BEGIN NODELOCK <TYPE>----- line in the file (it starts with '" +
                        shown(first->text) + "'); " + kAdvice);
}

bool is_label(std::string_view label) {
  return !label.empty() && std::all_of(label.begin(), label.end(),
                                       [](char c) { return (c >= 'A' && c <= 'Z') || c == ' '; });
}

}  // namespace

Result<std::string> as_utf8(std::string_view raw) {
  if (starts_with(raw, kUtf8ByteOrderMark)) return std::string(raw.substr(3));
  if (starts_with(raw, "\xFF\xFE")) return from_utf16(raw.substr(2), ByteOrder::little_endian, 2);
  if (starts_with(raw, "\xFE\xFF")) return from_utf16(raw.substr(2), ByteOrder::big_endian, 2);
  if (const auto order = utf16_by_nul_bytes(raw)) return from_utf16(raw, *order, 0);
  return std::string(raw);
}

Result<Block> find_block(std::string_view text) {
  const std::vector<Line> lines = split_lines(text);
  const auto is_begin = [](const Line& line) {
    return starts_with(unquoted(line.text).text, kBeginPrefix);
  };
  const auto begin = std::find_if(lines.begin(), lines.end(), is_begin);
  if (begin == lines.end()) return no_block(lines);

  const Unquoted begin_line = unquoted(begin->text);
  const std::string_view label_and_dashes = begin_line.text.substr(kBeginPrefix.size());
  const std::string_view label = label_and_dashes.substr(
      0, label_and_dashes.size() - std::min(label_and_dashes.size(), kDashes.size()));
  if (!is_label(label) || label_and_dashes.substr(label.size()) != kDashes) {
    return make_error(ErrorCode::malformed,
                      at_line(begin->number) + "'" + shown(begin_line.text) +
                          "' does not name a document type in upper-case words between "
                          "-----BEGIN NODELOCK and -----");
  }
  Block block;
  block.label = std::string(label);
  const std::string end_marker = std::string(kEndPrefix) + block.label + std::string(kDashes);
  const std::string cut_short = "the " + block.label + " block that starts on line " +
                                std::to_string(begin->number) + " was cut short; ";
  std::size_t size = begin_line.text.size();
  auto at = begin + 1;
  for (; at != lines.end(); ++at) {
    const Unquoted line = unquoted(at->text);
    if (starts_with(line.text, kEndPrefix)) {
      if (line.text != end_marker) {
        return make_error(ErrorCode::malformed, at_line(at->number) + "expected " + end_marker +
                                                    ", found '" + shown(line.text) + "'; " +
                                                    cut_short + kAdvice);
      }
      break;
    }
    if (starts_with(line.text, kBeginPrefix)) {
      return make_error(ErrorCode::malformed, at_line(at->number) +
                                                  "another -----BEGIN NODELOCK line comes before " +
                                                  end_marker + ": " + cut_short + kAdvice);
    }
    if (!line.text.empty() && line.depth != begin_line.depth) {
      return make_error(ErrorCode::malformed,
                        at_line(at->number) + "this line is quoted " + std::to_string(line.depth) +
                            " times ('>'), the BEGIN line " + std::to_string(begin_line.depth) +
                            " times: the block was edited in the mail; " + kAdvice);
    }
    size += line.text.size() + 1;
    if (size > kMaxDocumentSize) {
      return make_error(ErrorCode::payload_too_large,
                        "the " + block.label + " block that starts on line " +
                            std::to_string(begin->number) + " is over the limit of " +
                            std::to_string(kMaxDocumentSize) +
                            " bytes: it is not a nodelock document or it was damaged");
    }
    block.inside.push_back({line.text, at->number});
  }
  if (at == lines.end()) {
    return make_error(ErrorCode::malformed, "found no " + end_marker + " line after line " +
                                                std::to_string(begin->number) + ": " + cut_short +
                                                kAdvice);
  }
  block.end_line = at->number;
  const auto another = std::find_if(at + 1, lines.end(), is_begin);
  if (another != lines.end()) {
    return make_error(ErrorCode::malformed,
                      "the file holds more than one nodelock document: " + block.label +
                          " on line " + std::to_string(begin->number) + " and '" +
                          shown(unquoted(another->text).text) + "' on line " +
                          std::to_string(another->number) +
                          "; save each document in a file of its own");
  }
  return block;
}

}  // namespace nodelock::armor
