#include "nodelock/crypto/numbers.h"

#include <charconv>
#include <string>

#include "shown_input.h"

namespace nodelock {

Result<std::int64_t> parse_whole_number(std::string_view text, std::string_view name,
                                        std::int64_t min, std::int64_t max) {
  // from_chars reads only ASCII digits and, for a signed type, a leading '-';
  // it skips no white space and takes no '+', so what is left to check is that
  // it read everything and stayed in range.
  const bool sign_allowed = min < 0;
  std::int64_t value = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, problem] = std::from_chars(text.data(), end, value);
  const bool read = problem == std::errc{} && stop == end && (sign_allowed || text[0] != '-');
  if (read && value >= min && value <= max) return value;
  return make_error(ErrorCode::invalid_argument,
                    std::string(name) + " takes a whole number from " + std::to_string(min) +
                        " to " + std::to_string(max) + "; got " + shown_input(text) + ".");
}

}  // namespace nodelock
