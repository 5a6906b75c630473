// The parts of the crypto interface that do not depend on the backend.
#include <cstring>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock::crypto {

Bytes random_bytes(std::size_t size) {
  Bytes bytes(size);
  random_bytes(bytes.data(), bytes.size());
  return bytes;
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  // Accumulating every difference, with no early exit, keeps the time independent of
  // where the first mismatch is: a MAC compared byte by byte leaks its prefix.
  volatile std::uint8_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = static_cast<std::uint8_t>(difference | (a.data()[i] ^ b.data()[i]));
  }
  return difference == 0;
}

void wipe(void* data, std::size_t size) {
  // Calling memset through a volatile pointer stops the optimiser from proving the
  // store dead and removing it, which it may do for a plain memset before a free.
  static void* (*const volatile clear)(void*, int, std::size_t) = std::memset;
  if (data != nullptr && size != 0) clear(data, 0, size);
}

std::string key_id(const PublicKey& key) {
  const Digest digest = sha256(key.bytes);
  return encoding::hex(ByteView(digest.bytes.data(), 8));
}

}  // namespace nodelock::crypto
