// The vendor's public key as source code an application compiles in
// (`nodelock keygen --emit-cpp|--emit-c`), so the key it trusts is part of the
// signed binary rather than a file a user could swap.
#pragma once

#include <string>
#include <string_view>

#include "nodelock/crypto/crypto.h"

namespace nodelock::cli {

// A name C and C++ accept for a variable: letters, digits and '_', not
// starting with a digit, at most 64 characters.
bool is_c_identifier(std::string_view name);

// A header defining `name` as a nodelock::crypto::PublicKey, ready for the
// Verifier's list of trusted keys. `from` names the key file in its comment.
std::string cpp_key_source(const crypto::PublicKey& key, std::string_view name,
                           std::string_view from);

// A C header defining `name` as the key's 32 bytes.
std::string c_key_source(const crypto::PublicKey& key, std::string_view name,
                         std::string_view from);

}  // namespace nodelock::cli
