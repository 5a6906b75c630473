// What e-mail, editors and copy-paste do to a nodelock file on its way, done to
// a file's text so tests can show that each of these still reads: the files
// travel between air-gapped sites and support by mail.
#pragma once

#include <string>
#include <vector>

namespace nodelock::testing {

// One way a file can arrive, and the text it arrives as.
struct MailedVariant {
  std::string how;
  std::string text;
};

std::string with_utf8_byte_order_mark(const std::string& text);
// As Notepad's "Unicode": UTF-16 little-endian, with or without its byte order mark.
std::string as_utf16_le(const std::string& text, bool byte_order_mark = true);
std::string as_utf16_be(const std::string& text);
// Every line starts with `prefix` ("> ", "> > ", "    "), as a reply quotes it.
std::string prefixed(const std::string& text, const std::string& prefix);
// Inside a message with a greeting before it and a signature after it.
std::string in_mail(const std::string& text);
// The base64 body re-wrapped at `width` columns; 0 joins it into one line.
std::string body_rewrapped(const std::string& text, std::size_t width);
std::string with_line_endings(const std::string& text, const std::string& ending);

// Every one of the above on `text`, and a few of them together.
std::vector<MailedVariant> mailed_variants(const std::string& text);

}  // namespace nodelock::testing
