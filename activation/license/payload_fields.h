// Field readers shared by the payload parsers of every signed document, so a
// fingerprint, a user or a document's header reads the same way in each.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nodelock/activation/json_fields.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/dongle/binding.h"
#include "nodelock/fingerprint/fingerprint.h"
#include "nodelock/fingerprint/policy.h"

namespace nodelock {

std::string base64_key(const crypto::PublicKey& key);

// Reads the fields every payload shares and checks its type.
void read_header(FieldReader& in, std::string_view expected_type);

void read_fingerprint(FieldReader& in, const char* name, fingerprint::Fingerprint& out);

// The "match_policy" field of documents bound to a fingerprint.
void read_match_policy(FieldReader& in, fingerprint::MatchPolicy& out);

// The optional "dongle" field of requests and licenses.
void read_dongle(FieldReader& in, std::optional<dongle::DongleBinding>& out);

// The longest hostname a request may carry (a DNS name is at most 253 bytes).
inline constexpr std::size_t kMaxHostnameBytes = 255;

// The "hostname" field of requests: shown to support staff, admins and other
// users of the license and written to CSV, so it must be one line of
// printable text (encoding::is_display_text), never an escape sequence.
void read_hostname(FieldReader& in, std::string& out);

// The optional "user" field: only an address in its normal form is accepted,
// so the server never has to guess which user a request meant.
void read_user(FieldReader& in, std::optional<std::string>& out, std::string_view document);

}  // namespace nodelock
