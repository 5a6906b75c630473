#include "identifiers.h"

#include <chrono>
#include <cstdio>

#include "nodelock/activation/crypto.h"
#include "nodelock/activation/encoding.h"

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

}  // namespace nodelock::server
