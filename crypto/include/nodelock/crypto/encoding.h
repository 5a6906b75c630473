// Text encodings of bytes used across nodelock's documents and identifiers.
//
// Decoders are strict: one byte string has exactly one accepted encoding, so a
// changed character can never decode to the same bytes unnoticed.
#pragma once

#include <string>
#include <string_view>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock::encoding {

// Lower-case hex. Decoding accepts lower case only.
std::string hex(crypto::ByteView bytes);
Result<crypto::Bytes> from_hex(std::string_view text);

// RFC 4648 base64 with padding. Decoding rejects characters outside the
// alphabet, wrong padding, and non-zero trailing bits.
std::string base64(crypto::ByteView bytes);
Result<crypto::Bytes> from_base64(std::string_view text);

// Crockford base32 symbols "0123456789ABCDEFGHJKMNPQRSTVWXYZ": the value of
// `bits` bits taken from the front of `bytes`, most significant first, as
// ceil(bits / 5) symbols, leading zero bits padding the value to whole symbols;
// bits past the end of `bytes` read as zero. Used for license keys and machine IDs.
std::string crockford32(crypto::ByteView bytes, std::size_t bits);

// The value (0..31) of an upper-case Crockford symbol, or -1.
int crockford32_value(char symbol);

// Whether `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no UTF-16
// surrogates, nothing above U+10FFFF, no sequence cut short.
bool is_valid_utf8(std::string_view text);

// Whether `text` is one line of text a person may read on a terminal or in a
// spreadsheet: at most `max_bytes` of well-formed UTF-8 with no control
// character (C0, DEL or C1), so no escape sequence, NUL or line break.
bool is_display_text(std::string_view text, std::size_t max_bytes);

}  // namespace nodelock::encoding
