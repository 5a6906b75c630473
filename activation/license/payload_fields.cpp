#include "payload_fields.h"

#include <utility>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/dongle/binding_json.h"

namespace nodelock {

std::string base64_key(const crypto::PublicKey& key) { return encoding::base64(key.bytes); }

void read_header(FieldReader& in, std::string_view expected_type) {
  if (in.integer("v") != 1) in.fail("this document has an unsupported version; update nodelock");
  if (in.string("type") != expected_type) {
    in.fail("the payload is not of type " + std::string(expected_type));
  }
}

void read_fingerprint(FieldReader& in, const char* name, fingerprint::Fingerprint& out) {
  const nlohmann::json& json = in.object(name);
  if (in.failed()) return;
  auto parsed = fingerprint::fingerprint_from_json(json);
  if (!parsed.ok()) return in.fail(parsed.message());
  out = std::move(*parsed);
}

void read_match_policy(FieldReader& in, fingerprint::MatchPolicy& out) {
  const nlohmann::json& json = in.object("match_policy");
  if (in.failed()) return;
  auto parsed = fingerprint::match_policy_from_json(json);
  if (!parsed.ok()) return in.fail(parsed.message());
  out = std::move(*parsed);
}

void read_dongle(FieldReader& in, std::optional<dongle::DongleBinding>& out) {
  const nlohmann::json* json = in.optional_object("dongle");
  if (json == nullptr) return;
  auto parsed = dongle::dongle_binding_from_json(*json);
  if (!parsed.ok()) return in.fail(parsed.message());
  out = std::move(*parsed);
}

void read_hostname(FieldReader& in, std::string& out) {
  out = in.string("hostname");
  if (!in.failed() && !encoding::is_display_text(out, kMaxHostnameBytes)) {
    in.fail("\"hostname\" must be at most " + std::to_string(kMaxHostnameBytes) +
            " bytes of printable text, without control characters");
  }
}

void read_user(FieldReader& in, std::optional<std::string>& out, std::string_view document) {
  out = in.optional_string("user");
  if (!out || in.failed()) return;
  auto normal = license_user_email(*out);
  if (!normal.ok() || *normal != *out) {
    in.fail("\"user\" in the " + std::string(document) + " must be a lower-case e-mail address");
  }
}

}  // namespace nodelock
