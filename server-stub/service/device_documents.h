// Reading documents signed by a device key (activation and lease requests,
// deactivation receipts): the checks every such document gets before the
// service looks at what it asks for.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/activation/document.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

Error wrong_type(const Envelope& envelope, DocumentType expected);

Result<crypto::PublicKey> public_key_from_base64(const std::string& text, const char* what);

// Verifies a document signed by a device key; the signer's key is `key`.
Result<nlohmann::json> verify_device_signature(const Envelope& envelope,
                                               const crypto::PublicKey& key);

// The payload of an armored document of type `expected`, verified against the
// device key it carries itself: it proves the request comes from the holder
// of that key, whoever that is.
Result<nlohmann::json> open_self_signed(std::string_view armored, DocumentType expected);

// malformed unless `nonce` is the base64 of 16 bytes.
Status check_nonce(const std::string& nonce);

// request_expired when a request made at `created_at` is more than `window`
// seconds from the server's time `now`.
Status check_request_age(UnixTime created_at, UnixTime now, UnixTime window);

}  // namespace nodelock::server
