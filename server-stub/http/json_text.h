// JSON text from outside the server (request bodies, license import files),
// read so that it can mean only one thing.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock::server {

// The value `text` holds. Errors: malformed for text that is not JSON, and for
// a key repeated within one object, naming it: a reader that keeps the first
// and one that keeps the last would act on different requests.
Result<nlohmann::json> parse_json_text(std::string_view text);

}  // namespace nodelock::server
