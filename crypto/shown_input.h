// How a refusal quotes what a person typed. The text may be anything (a
// pasted line, bytes from a query string), and the message ends up on a
// terminal or in a JSON error envelope, whose writer refuses invalid UTF-8:
// so only printable ASCII is shown as is, and a long text is cut short.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace nodelock {

inline std::string shown_input(std::string_view text) {
  constexpr std::size_t kShownLength = 40;
  std::string shown = "'";
  for (std::size_t i = 0; i < text.size() && i < kShownLength; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      shown += static_cast<char>(byte);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      shown += escaped;
    }
  }
  if (text.size() > kShownLength) shown += "...";
  return shown + "'";
}

}  // namespace nodelock
