#include "statement_text.h"

#include <algorithm>
#include <cctype>

namespace nodelock::server::postgres {

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string postgres_statement(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) {
      out += c;
      continue;
    }
    if (c == '?') {
      std::size_t end = i + 1;
      while (end < sql.size() && is_digit(sql[end])) ++end;
      const int number =
          end > i + 1 ? std::stoi(std::string(sql.substr(i + 1, end - i - 1))) : largest + 1;
      largest = std::max(largest, number);
      out += '$' + std::to_string(number);
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace nodelock::server::postgres
