// Canonical JSON: the one byte string nodelock signs for a JSON value.
//
// A signature covers bytes, not values, so signer and verifier must agree on the
// bytes. The canonical form of a value is what nlohmann::json::dump() writes with
// no indentation and ensure_ascii off:
//   - objects with their keys sorted bytewise (by their UTF-8 bytes), no key twice;
//   - no white space outside strings;
//   - strings as UTF-8 with the minimal escapes: \" and \\, \b \f \n \r \t, and
//     \u00XX (lower-case hex) for the other control characters; nothing else is
//     escaped, not even "/" or non-ASCII characters;
//   - numbers are integers only, in plain decimal ("-0", "1.0" and "1e2" never
//     appear); floating point numbers have no single spelling, so they are refused.
// This is RFC 8785 (JSON Canonicalization Scheme) except for the order of keys
// holding characters outside the Basic Multilingual Plane, which RFC 8785 sorts by
// UTF-16 code units and nodelock by UTF-8 bytes. Integers beyond 2^53 are exact
// here but would not survive a JavaScript reader; documents keep to smaller ones.
//
// Parsing is strict: text is accepted only when it is byte for byte the canonical
// form of what it parses to. So a document has exactly one spelling, and a changed
// byte can never leave the meaning unchanged. Nothing here throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock {

// Bounds on what a canonical text may hold. Nesting is counted in arrays and
// objects: a scalar has depth 0, [] and {} have depth 1, [[]] has depth 2.
struct CanonicalLimits {
  std::size_t max_size = 64 * 1024;  // bytes of canonical text
  std::size_t max_depth = 16;
};

// The canonical text of `value`. Errors: malformed for a floating point number
// anywhere, a string that is not valid UTF-8, or nesting deeper than `limits`;
// payload_too_large for text over the size limit. So whatever this writes,
// parse_canonical() with the same limits reads back.
[[nodiscard]] Result<std::string> canonical_json(const nlohmann::json& value,
                                                 const CanonicalLimits& limits = {});

// The value of a canonical text. Errors: payload_too_large when the text is over
// the size limit; malformed when it is nested deeper than the depth limit (checked
// before parsing, so hostile input cannot exhaust the stack), is not JSON, or is
// not in canonical form (white space, unsorted or repeated keys, floats, needless
// escapes).
[[nodiscard]] Result<nlohmann::json> parse_canonical(std::string_view text,
                                                     const CanonicalLimits& limits = {});

}  // namespace nodelock
