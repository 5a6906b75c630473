// A dongle binding as the signed license carries it. Kept apart from
// binding.h so that the Verifier's public headers reach no JSON library.
#pragma once

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"
#include "nodelock/dongle/binding.h"

namespace nodelock::dongle {

// What a license carries: strings and integers only, binary values in base64,
// so it fits canonical signed JSON.
//   {"family":"nldg","public_key":"<base64, 32 bytes>"}
//   {"challenge":"<base64, 64 bytes>","family":"yubikey",
//    "response_hash":"<base64, 32 bytes>","salt":"<base64, 16 bytes>","slot":2}
nlohmann::json to_json(const DongleBinding& binding);

// Strict: a missing or unknown field, a wrong type, an unknown family, a slot
// other than 2, or a value that is not base64 of exactly the size above gives
// ErrorCode::malformed.
[[nodiscard]] Result<DongleBinding> dongle_binding_from_json(const nlohmann::json& json);

}  // namespace nodelock::dongle
