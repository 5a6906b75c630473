// What the air-gapped exchange adds around a signed document: header lines for
// people and the messages that name a file by what it claims. Headers are
// outside the signature, so nothing here is trusted for a decision.
#pragma once

#include <string>
#include <string_view>

#include "nodelock/activation/document.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

// The header of a response or site license file naming the vendor key that
// signed it. Trusted only when the store has pinned no vendor key yet and no
// --pubkey was given, as an online first activation trusts the keys the server
// publishes.
inline constexpr const char* kVendorKeyHeader = "Vendor-Key";
// The header of a request file saying when it was made (UTC), so support can
// tell at a glance whether it is still within the server's offline window.
inline constexpr const char* kCreatedHeader = "Created";

// `armored` with the header line "name: value" added after its last header.
// The signature does not cover headers, so it still verifies.
std::string with_header(const std::string& armored, std::string_view name, std::string_view value);

// The machine ID a document's payload names, or "": for messages only (which
// machine to take a response to, which machine a receipt came from).
std::string claimed_machine(const Envelope& envelope);

// wrong_document: "This file is of type <TYPE>; <what_is_needed>".
Error wrong_file(const Envelope& envelope, const std::string& what_is_needed);

}  // namespace nodelock
