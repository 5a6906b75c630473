// What e-mail, editors and copy-paste do to an armored file, undone before the
// armor is read: a byte order mark, UTF-16 text, "> " quoting, indentation, a
// greeting and a signature around the block, any of the three line endings.
// This only finds the block; its signature still decides whether it is genuine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"

namespace nodelock::armor {

// The text as UTF-8: a UTF-8 byte order mark dropped; UTF-16, recognised by its
// byte order mark or by the NUL bytes of its ASCII characters, converted.
// Errors: malformed (UTF-16 cut short or holding a broken character).
Result<std::string> as_utf8(std::string_view raw);

// A line inside the block, without its quoting, indentation or line ending, and
// its number in the file, for messages.
struct BlockLine {
  std::string_view text;
  std::size_t number;
};

struct Block {
  std::string label;              // "LICENSE", as the BEGIN and END lines name it
  std::size_t end_line;           // the END line's number in the file
  std::vector<BlockLine> inside;  // the lines between BEGIN and END
};

// The one armored block in `text`, wherever it sits. Errors: malformed when there
// is none, when it is cut short or its quoting changes inside it, or when the
// text holds more than one block; payload_too_large when the block is larger
// than a document may be. Each message says what was found and what to do.
Result<Block> find_block(std::string_view text);

}  // namespace nodelock::armor
