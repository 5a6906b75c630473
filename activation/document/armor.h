// The ASCII armor around a signed document: BEGIN and END lines, "Name: value"
// headers, an empty line, and a base64 body (written at 64 columns). Knows nothing
// of envelopes or signatures; document.cpp gives the armor its meaning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/document.h"
#include "nodelock/crypto/result.h"

namespace nodelock::armor {

inline constexpr std::string_view kBeginPrefix = "-----BEGIN NODELOCK ";
inline constexpr std::string_view kEndPrefix = "-----END NODELOCK ";
inline constexpr std::string_view kDashes = "-----";
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

// Finds the armored block in text as it arrived (transit.h) and splits it into
// its parts. The body is its lines joined, whatever their width. Errors:
// malformed, with a message naming the line; payload_too_large.
Result<Armored> unwrap(std::string_view text);

}  // namespace nodelock::armor
