#include "identifiers.h"

#include "nodelock/activation/crypto.h"
#include "nodelock/activation/encoding.h"

namespace nodelock::server {

std::string new_record_id(std::string_view prefix) {
  return std::string(prefix) + "_" + encoding::hex(crypto::random_bytes(10));
}

}  // namespace nodelock::server
