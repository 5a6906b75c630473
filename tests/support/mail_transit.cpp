#include "mail_transit.h"

#include <cstddef>

namespace nodelock::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool is_body_line(const std::string& line) {
  return !line.empty() && line.find(": ") == std::string::npos && line.rfind("-----", 0) != 0;
}

}  // namespace

std::string with_utf8_byte_order_mark(const std::string& text) { return "\xEF\xBB\xBF" + text; }

// The files are ASCII but their headers may not be: code points are decoded from
// UTF-8 so a licensee "Müller" arrives as Notepad writes it.
std::string as_utf16_le(const std::string& text, bool byte_order_mark) {
  std::string out = byte_order_mark ? "\xFF\xFE" : "";
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    unsigned code_point = lead;
    std::size_t length = 1;
    if (lead >= 0xE0) {
      code_point = lead & 0x0F;
      length = 3;
    } else if (lead >= 0xC0) {
      code_point = lead & 0x1F;
      length = 2;
    }
    for (std::size_t k = 1; k < length; ++k) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[at + k]) & 0x3F);
    }
    out += static_cast<char>(code_point & 0xFF);
    out += static_cast<char>(code_point >> 8);
    at += length;
  }
  return out;
}

std::string as_utf16_be(const std::string& text) {
  std::string little = as_utf16_le(text, true);
  for (std::size_t at = 0; at + 1 < little.size(); at += 2) std::swap(little[at], little[at + 1]);
  return little;
}

std::string prefixed(const std::string& text, const std::string& prefix) {
  std::string out;
  for (const std::string& line : lines_of(text)) out += prefix + line + "\n";
  return out;
}

std::string in_mail(const std::string& text) {
  return "Hi support,\n\nhere is the file for our drawing office, as you asked:\n\n" + text +
         "\nThanks,\n-- \nAnna Berg\nAcme Engineering, plant 3\n";
}

std::string body_rewrapped(const std::string& text, std::size_t width) {
  std::string out;
  std::string body;
  const auto flush = [&] {
    const std::size_t step = width == 0 ? body.size() : width;
    for (std::size_t at = 0; at < body.size(); at += step) out += body.substr(at, step) + "\n";
    body.clear();
  };
  for (const std::string& line : lines_of(text)) {
    if (is_body_line(line)) {
      body += line;
      continue;
    }
    flush();
    out += line + "\n";
  }
  flush();
  return out;
}

std::string with_line_endings(const std::string& text, const std::string& ending) {
  std::string out;
  for (const std::string& line : lines_of(text)) out += line + ending;
  return out;
}

std::vector<MailedVariant> mailed_variants(const std::string& text) {
  return {
      {"UTF-8 byte order mark", with_utf8_byte_order_mark(text)},
      {"UTF-16 LE with byte order mark", as_utf16_le(text, true)},
      {"UTF-16 LE without byte order mark", as_utf16_le(text, false)},
      {"UTF-16 BE with byte order mark", as_utf16_be(text)},
      {"quoted '> '", prefixed(text, "> ")},
      {"quoted twice '> > '", prefixed(text, "> > ")},
      {"quoted twice '>> '", prefixed(text, ">> ")},
      {"indented", prefixed(text, "    ")},
      {"inside a mail", in_mail(text)},
      {"blank line before BEGIN", "\n" + text},
      {"body at 60 columns", body_rewrapped(text, 60)},
      {"body at 76 columns", body_rewrapped(text, 76)},
      {"body on one line", body_rewrapped(text, 0)},
      {"CR line endings", with_line_endings(text, "\r")},
      {"CRLF line endings", with_line_endings(text, "\r\n")},
      {"a quoted reply, re-wrapped, CRLF, as UTF-16",
       as_utf16_le(with_line_endings(prefixed(in_mail(body_rewrapped(text, 76)), "> "), "\r\n"))},
  };
}

}  // namespace nodelock::testing
