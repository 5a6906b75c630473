#include "identifiers.h"

#include <chrono>
#include <cstdio>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::server {

std::string new_record_id(std::string_view prefix) {
  const auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  char time_digits[16];
  std::snprintf(time_digits, sizeof time_digits, "%012llx",
                static_cast<unsigned long long>(milliseconds) & 0xffffffffffffULL);
  return std::string(prefix) + "_" + time_digits + encoding::hex(crypto::random_bytes(5));
}

bool is_record_id(std::string_view text, std::string_view prefix) {
  constexpr std::size_t kHexDigits = 22;
  if (text.size() != prefix.size() + 1 + kHexDigits || text.substr(0, prefix.size()) != prefix ||
      text[prefix.size()] != '_') {
    return false;
  }
  for (char c : text.substr(prefix.size() + 1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::string> canonical_machine_id(std::string_view text) {
  constexpr std::size_t kSymbols = 16;
  std::string upper;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    upper.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  if (upper.size() != 2 + kSymbols || upper.compare(0, 2, "NL") != 0) return std::nullopt;
  std::string canonical = "NL";
  for (std::size_t i = 0; i < kSymbols; ++i) {
    char symbol = upper[2 + i];
    if (symbol == 'O') symbol = '0';
    if (symbol == 'I' || symbol == 'L') symbol = '1';
    if (encoding::crockford32_value(symbol) < 0) return std::nullopt;
    if (i % 4 == 0) canonical.push_back('-');
    canonical.push_back(symbol);
  }
  return canonical;
}

}  // namespace nodelock::server
