#include "nodelock/crypto/encoding.h"
#include "nodelock/server/activation_service.h"

namespace nodelock::server {

LicenseKeyHasher::LicenseKeyHasher(crypto::Bytes pepper) : pepper_(std::move(pepper)) {}

LicenseKeyHasher::~LicenseKeyHasher() { crypto::wipe(pepper_.data(), pepper_.size()); }

std::string LicenseKeyHasher::hash(std::string_view canonical_key) const {
  return encoding::hex(crypto::hmac_sha256(pepper_, canonical_key).bytes);
}

std::string LicenseKeyHasher::pepper_id() const {
  // No canonical key and no webhook secret's text ("webhook:…") is this text.
  return hash("key-pepper-id:").substr(0, 16);
}

}  // namespace nodelock::server
