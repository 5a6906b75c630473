#include "nodelock/activation/document.h"

#include <algorithm>
#include <utility>

#include "armor.h"
#include "nodelock/activation/canonical_json.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock {
namespace {

using nlohmann::json;

// The one table of document types.
struct DocumentTypeInfo {
  DocumentType type;
  std::string_view armor_label;
  std::string_view name;
  std::string_view for_people;
};

constexpr DocumentTypeInfo kDocumentTypes[] = {
    {DocumentType::activation_request, "ACTIVATION REQUEST", "activation_request",
     "activation request"},
    {DocumentType::license, "LICENSE", "license", "license"},
    {DocumentType::deactivation_receipt, "DEACTIVATION RECEIPT", "deactivation_receipt",
     "deactivation receipt"},
    {DocumentType::lease, "LEASE", "lease", "floating lease"},
    {DocumentType::borrow, "BORROW", "borrow", "borrowed seat"},
    {DocumentType::site_license, "SITE LICENSE", "site_license", "site license"},
    {DocumentType::lease_request, "LEASE REQUEST", "lease_request", "lease request"},
};

const DocumentTypeInfo& info(DocumentType type) {
  for (const auto& entry : kDocumentTypes) {
    if (entry.type == type) return entry;
  }
  return kDocumentTypes[0];
}

std::optional<DocumentType> document_type_labelled(std::string_view label) {
  for (const auto& entry : kDocumentTypes) {
    if (entry.armor_label == label) return entry.type;
  }
  return std::nullopt;
}

std::string for_people(DocumentType type) { return std::string(info(type).for_people); }

std::string with_article(DocumentType type) {
  const std::string_view name = info(type).for_people;
  return (std::string_view("aeiou").find(name.front()) == std::string_view::npos ? "a " : "an ") +
         std::string(name);
}

// The envelope holds the payload one level down; the payload gets the rest.
constexpr CanonicalLimits kEnvelopeLimits{kMaxDocumentSize, 16};
constexpr CanonicalLimits kPayloadLimits{kMaxDocumentSize, 15};
constexpr std::size_t kKeyIdLength = 16;

// Domain separation: the label is part of what is signed, so a signature over a
// device's activation request can never pass as a deactivation receipt.
std::string signing_message(DocumentType type, std::string_view canonical_payload) {
  std::string message = "nodelock-v1 ";
  message += info(type).armor_label;
  message += '\n';
  message += canonical_payload;
  return message;
}

// The envelope's canonical text around the payload. Keys in byte order: alg, kid,
// payload, sig; kid is hex and sig base64, neither needs an escape.
std::string envelope_prefix(std::string_view kid) {
  return R"({"alg":"ed25519","kid":")" + std::string(kid) + R"(","payload":)";
}

std::string envelope_suffix(std::string_view sig) {
  return R"(,"sig":")" + std::string(sig) + R"("})";
}

// Every check of "v" and "type", for writing and for reading, is this one.
Status check_payload_identity(const json& payload, DocumentType type) {
  if (!payload.is_object()) return make_error(ErrorCode::malformed, "the payload is not an object");
  const auto v = payload.find("v");
  if (v == payload.end() || !v->is_number_integer() || *v != 1) {
    return make_error(ErrorCode::malformed,
                      "the payload has no \"v\": 1 (a newer nodelock may have made it)");
  }
  const auto named = payload.find("type");
  if (named == payload.end() || !named->is_string() ||
      named->get_ref<const std::string&>() != info(type).name) {
    return make_error(
        ErrorCode::malformed,
        "the payload's \"type\" is not \"" + std::string(info(type).name) + "\" as its armor says");
  }
  return {};
}

bool is_lower_hex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Error unreadable(const std::string& detail) {
  return make_error(ErrorCode::malformed, "this is not a readable nodelock document: " + detail);
}

}  // namespace

std::string_view armor_label(DocumentType type) { return info(type).armor_label; }

std::string_view type_name(DocumentType type) { return info(type).name; }

std::optional<DocumentType> document_type_named(std::string_view name) {
  for (const auto& entry : kDocumentTypes) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

Result<std::string> seal(DocumentType type, const json& payload, const crypto::SigningKey& key,
                         const std::vector<Header>& headers) {
  if (auto status = check_payload_identity(payload, type); !status.ok()) {
    return make_error(ErrorCode::invalid_argument, "cannot sign: " + status.message());
  }
  auto canonical = canonical_json(payload, kPayloadLimits);
  if (!canonical.ok()) {
    const ErrorCode code = canonical.code() == ErrorCode::payload_too_large
                               ? ErrorCode::payload_too_large
                               : ErrorCode::invalid_argument;
    return make_error(code, "cannot sign: " + canonical.message());
  }
  for (const Header& header : headers) {
    if (auto status = armor::check_header(header); !status.ok()) {
      return make_error(ErrorCode::invalid_argument, "cannot sign: " + status.message());
    }
  }
  const crypto::Signature signature = key.sign(signing_message(type, *canonical));
  const std::string envelope = envelope_prefix(crypto::key_id(key.public_key())) + *canonical +
                               envelope_suffix(encoding::base64(signature.bytes));
  std::string armored = armor::wrap(armor_label(type), headers, encoding::base64(envelope));
  if (armored.size() > kMaxDocumentSize) {
    return make_error(ErrorCode::payload_too_large,
                      "cannot sign: the " + for_people(type) + " would be " +
                          std::to_string(armored.size()) + " bytes, over the limit of " +
                          std::to_string(kMaxDocumentSize));
  }
  return armored;
}

Result<Envelope> parse_document(std::string_view armored) {
  if (armored.size() > kMaxDocumentFileSize) {
    return make_error(ErrorCode::payload_too_large,
                      "the file is " + std::to_string(armored.size()) +
                          " bytes, over the limit of " + std::to_string(kMaxDocumentFileSize) +
                          "; it is not a nodelock document or it was damaged");
  }
  auto unwrapped = armor::unwrap(armored);
  if (!unwrapped.ok()) {
    if (unwrapped.code() == ErrorCode::payload_too_large) return unwrapped.error();
    return unreadable(unwrapped.message());
  }
  Envelope envelope;
  const auto type = document_type_labelled(unwrapped->label);
  if (!type) return unreadable("unknown document type \"" + unwrapped->label + "\"");
  envelope.type_ = *type;
  envelope.headers_ = std::move(unwrapped->headers);

  auto decoded = encoding::from_base64(unwrapped->body);
  if (!decoded.ok()) return unreadable("the body is not valid base64");
  const std::string text(decoded->begin(), decoded->end());
  auto parsed = parse_canonical(text, kEnvelopeLimits);
  if (!parsed.ok()) return unreadable(parsed.message());
  json& fields = *parsed;
  if (!fields.is_object() || fields.size() != 4 || !fields.contains("alg") ||
      !fields.contains("kid") || !fields.contains("payload") || !fields.contains("sig")) {
    return unreadable("the envelope must hold exactly alg, kid, payload and sig");
  }
  if (fields["alg"] != "ed25519") return unreadable("the signature algorithm is not ed25519");
  const json& kid = fields["kid"];
  if (!kid.is_string() || kid.get_ref<const std::string&>().size() != kKeyIdLength ||
      !is_lower_hex(kid.get_ref<const std::string&>())) {
    return unreadable("the key id is not 16 lower-case hex digits");
  }
  const json& sig = fields["sig"];
  if (!sig.is_string()) return unreadable("the signature is not a string");
  auto signature = encoding::from_base64(sig.get_ref<const std::string&>());
  if (!signature.ok() || signature->size() != envelope.signature_.bytes.size()) {
    return unreadable("the signature is not base64 of 64 bytes");
  }
  if (auto status = check_payload_identity(fields["payload"], envelope.type_); !status.ok()) {
    return unreadable(status.message());
  }

  // The envelope is canonical, so the payload's canonical text is the bytes
  // between these fixed fields: what was signed, without writing it again.
  const std::string prefix = envelope_prefix(kid.get_ref<const std::string&>());
  const std::string suffix = envelope_suffix(sig.get_ref<const std::string&>());
  if (text.size() < prefix.size() + suffix.size() || text.compare(0, prefix.size(), prefix) != 0 ||
      text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return make_error(ErrorCode::internal, "a canonical envelope has an unexpected layout");
  }
  envelope.canonical_payload_ =
      text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
  envelope.kid_ = kid.get<std::string>();
  std::copy(signature->begin(), signature->end(), envelope.signature_.bytes.begin());
  envelope.payload_ = std::move(fields["payload"]);
  return envelope;
}

Result<std::string> rewrap_document(std::string_view text) {
  auto envelope = parse_document(text);
  if (!envelope.ok()) return envelope.error();
  auto unwrapped = armor::unwrap(text);
  if (!unwrapped.ok()) return unwrapped.error();
  return armor::wrap(unwrapped->label, unwrapped->headers, unwrapped->body);
}

Status Envelope::check_signature(const crypto::PublicKey& key) const {
  const std::string key_id = crypto::key_id(key);
  if (key_id != kid_) {
    return make_error(ErrorCode::unknown_signer, "the " + for_people(type_) + " is signed by key " +
                                                     kid_ + ", not by key " + key_id);
  }
  if (!crypto::verify(key, signing_message(type_, canonical_payload_), signature_)) {
    return make_error(ErrorCode::tampered,
                      "the " + for_people(type_) +
                          " file was changed after it was signed: its signature does not match "
                          "its contents; ask for a new one");
  }
  return {};
}

Result<json> verify_envelope(const Envelope& envelope, const crypto::PublicKey& key) {
  if (auto status = envelope.check_signature(key); !status.ok()) return status.error();
  return envelope.payload_;
}

TrustedKeys::TrustedKeys(const std::vector<crypto::PublicKey>& keys) {
  for (const auto& key : keys) add(key);
}

void TrustedKeys::add(const crypto::PublicKey& key) {
  std::string kid = crypto::key_id(key);
  if (find(kid) == nullptr) keys_.push_back({std::move(kid), key});
}

const crypto::PublicKey* TrustedKeys::find(std::string_view kid) const {
  for (const Entry& entry : keys_) {
    if (entry.kid == kid) return &entry.key;
  }
  return nullptr;
}

Result<VerifiedDocument> open_document(std::string_view armored, DocumentType expected,
                                       const TrustedKeys& trusted) {
  auto envelope = parse_document(armored);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != expected) {
    return make_error(ErrorCode::wrong_document, "this file is " + with_article(envelope->type()) +
                                                     ", not " + with_article(expected) +
                                                     "; check that you picked the right file");
  }
  const crypto::PublicKey* key = trusted.find(envelope->kid());
  if (key == nullptr) {
    return make_error(ErrorCode::unknown_signer,
                      "the " + for_people(expected) + " is signed by key " + envelope->kid() +
                          ", which is not among the trusted vendor keys; ask the vendor for "
                          "one signed with a current key");
  }
  if (auto status = envelope->check_signature(*key); !status.ok()) return status.error();
  VerifiedDocument document;
  document.type_ = envelope->type_;
  document.kid_ = std::move(envelope->kid_);
  document.payload_ = std::move(envelope->payload_);
  document.headers_ = std::move(envelope->headers_);
  return document;
}

}  // namespace nodelock
