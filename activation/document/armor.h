// The ASCII armor around a signed document: BEGIN and END lines, "Name: value"
// headers, an empty line, and a base64 body wrapped at 64 columns. Knows nothing
// of envelopes or signatures; document.cpp gives the armor its meaning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/document.h"
#include "nodelock/crypto/result.h"

namespace nodelock::armor {

inline constexpr std::size_t kMaxHeaders = 16;
inline constexpr std::size_t kMaxHeaderLine = 256;
inline constexpr std::size_t kBodyLineWidth = 64;

struct Armored {
  std::string label;  // "LICENSE", as the BEGIN and END lines name it
  std::vector<Header> headers;
  std::string body;  // the base64 lines joined, not yet decoded
};

// The rules a header keeps, for writing and reading alike. Errors: malformed.
Status check_header(const Header& header);

std::string wrap(std::string_view label, const std::vector<Header>& headers,
                 std::string_view base64_body);

// Splits armored text into its parts. Tolerates CRLF line endings, white space at
// the end of lines and blank lines after the END line. Errors: malformed, with a
// message naming the line.
Result<Armored> unwrap(std::string_view text);

}  // namespace nodelock::armor
