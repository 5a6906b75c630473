#include "device_documents.h"

#include <algorithm>
#include <cstdlib>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

constexpr std::size_t kNonceBytes = 16;

}  // namespace

Error wrong_type(const Envelope& envelope, DocumentType expected) {
  return make_error(ErrorCode::wrong_document, "this is a " +
                                                   std::string(armor_label(envelope.type())) +
                                                   ", not a " + std::string(armor_label(expected)));
}

Result<crypto::PublicKey> public_key_from_base64(const std::string& text, const char* what) {
  auto bytes = encoding::from_base64(text);
  crypto::PublicKey key;
  if (!bytes.ok() || bytes->size() != key.bytes.size()) {
    return make_error(ErrorCode::malformed, std::string(what) + " is not a base64 Ed25519 key");
  }
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  return key;
}

Result<nlohmann::json> verify_device_signature(const Envelope& envelope,
                                               const crypto::PublicKey& key) {
  auto payload = verify_envelope(envelope, key);
  if (payload.ok() || payload.code() != ErrorCode::unknown_signer) return payload;
  return make_error(ErrorCode::tampered,
                    "the " + std::string(armor_label(envelope.type())) +
                        " is not signed by the device key it names; make a new one");
}

Result<nlohmann::json> open_self_signed(std::string_view armored, DocumentType expected) {
  auto envelope = parse_document(armored);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != expected) return wrong_type(*envelope, expected);
  const nlohmann::json& claimed = envelope->unverified_payload();
  const auto field = claimed.find("device_public_key");
  if (field == claimed.end() || !field->is_string()) {
    return make_error(ErrorCode::malformed,
                      "the " + std::string(armor_label(expected)) + " names no device_public_key");
  }
  auto device_key = public_key_from_base64(field->get<std::string>(), "device_public_key");
  if (!device_key.ok()) return device_key.error();
  return verify_device_signature(*envelope, *device_key);
}

Status check_nonce(const std::string& nonce) {
  auto bytes = encoding::from_base64(nonce);
  if (bytes.ok() && bytes->size() == kNonceBytes) return {};
  return make_error(ErrorCode::malformed, "the nonce must be the base64 of 16 random bytes");
}

Status check_request_age(UnixTime created_at, UnixTime now, UnixTime window) {
  if (std::llabs(now - created_at) <= window) return {};
  return make_error(ErrorCode::request_expired,
                    "the request was made at " + utc_date(created_at) +
                        ", too far from the server's time (" + utc_date(now) +
                        "); check this machine's clock and make a new request");
}

}  // namespace nodelock::server
