#include "key_source.h"

#include <cctype>
#include <cstdio>
#include <sstream>

#include "nodelock/crypto/encoding.h"

namespace nodelock::cli {
namespace {

// The 32 bytes as C initialisers, eight to a line.
std::string byte_lines(const crypto::PublicKey& key, std::string_view indent) {
  std::ostringstream out;
  for (std::size_t i = 0; i < key.bytes.size(); ++i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", key.bytes[i]);
    out << (i % 8 == 0 ? std::string(indent) : std::string(" ")) << hex
        << (i + 1 < key.bytes.size() ? "," : "") << (i % 8 == 7 ? "\n" : "");
  }
  return out.str();
}

std::string provenance(const crypto::PublicKey& key, std::string_view from) {
  return "// The vendor's public key, key id " + crypto::key_id(key) + ", from " +
         std::string(from) +
         ".\n// Public: it ships in every copy of the application; the private key never does.\n";
}

}  // namespace

bool is_c_identifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string cpp_key_source(const crypto::PublicKey& key, std::string_view name,
                           std::string_view from) {
  return provenance(key, from) +
         "#pragma once\n\n#include <nodelock/crypto/crypto.h>\n\ninline const "
         "nodelock::crypto::PublicKey " +
         std::string(name) + "{{\n" + byte_lines(key, "    ") + "}};\n";
}

std::string c_key_source(const crypto::PublicKey& key, std::string_view name,
                         std::string_view from) {
  return provenance(key, from) + "#pragma once\n\nstatic const unsigned char " + std::string(name) +
         "[32] = {\n" + byte_lines(key, "    ") + "};\n";
}

}  // namespace nodelock::cli
