// Whole numbers as people type them: on a command line, in a query string, in a
// CSV cell. One reader for all of them, so `--seats 5x`, `?limit=1e3` and a
// twenty-digit expiry are refused the same way everywhere, with a message that
// says what was given and what is accepted, instead of being cut short,
// wrapped around or thrown as an exception.
#pragma once

#include <cstdint>
#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock {

// `text` as a decimal whole number from `min` to `max`. All of `text` must be
// ASCII digits: no white space, no '+', no fraction, exponent or digit
// separator, and a '-' only when `min` is negative. Leading zeros are read as
// decimal ("010" is ten), as people mean them; no octal or hex.
//
// invalid_argument otherwise, the message naming `name` (a flag or a field),
// the text given and the range: "--seats takes a whole number from 1 to
// 100000; got '5x'." Nothing is allocated unless the text is refused.
[[nodiscard]] Result<std::int64_t> parse_whole_number(std::string_view text, std::string_view name,
                                                      std::int64_t min, std::int64_t max);

}  // namespace nodelock
