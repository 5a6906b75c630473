// Signed documents: the files and messages that carry licenses between machines.
//
// A document is a canonical JSON payload signed with Ed25519 and wrapped in
// ASCII armor that survives e-mail, USB sticks and copy-paste:
//
//   -----BEGIN NODELOCK LICENSE-----
//   Product: Acme CAD                     (headers for people; never trusted)
//   Machine: NL-7K2M-Q9XD-4TRB-0WHE
//
//   <base64 of {"alg":"ed25519","kid":"<key id>","payload":{...},"sig":"<base64>"},
//    wrapped at 64 columns>
//   -----END NODELOCK LICENSE-----
//
// Every payload holds "v": 1 and a "type" naming the document type. The signature
// covers "nodelock-v1 " + armor label + "\n" + canonical payload, so a signature
// made for one type of document can never be replayed as another. docs/FORMATS.md
// specifies the format byte by byte.
//
// Reading is in two steps, so a caller cannot use a payload nobody checked:
// parse_document() checks the structure and yields an Envelope whose payload is
// explicitly unverified; verify_envelope() or open_document() check the signature
// and only then hand out the payload. Nothing here throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

enum class DocumentType {
  activation_request,
  license,
  deactivation_receipt,
  lease,
  borrow,
  site_license,
  lease_request,
};

// "ACTIVATION REQUEST", "LICENSE", ...: the word in the armor lines.
std::string_view armor_label(DocumentType type);
// "activation_request", "license", ...: the payload's "type".
std::string_view type_name(DocumentType type);
// The type whose payload "type" is `name`, if any.
std::optional<DocumentType> document_type_named(std::string_view name);

// A "Name: value" line of the armor, for people reading the file. Names are
// letters, digits and '-'; values are printable text without control characters
// and without white space at either end. Headers are not signed: never act on them.
struct Header {
  std::string name;
  std::string value;
};

// Armored documents larger than this are refused.
inline constexpr std::size_t kMaxDocumentSize = 64 * 1024;
// A file holding one is refused unread above this: room for the document as
// UTF-16 inside an e-mail, far below what would make reading it slow.
inline constexpr std::size_t kMaxDocumentFileSize = 4 * kMaxDocumentSize;

// Signs `payload` as a document of `type` with `key` and returns the armored text.
// The payload must be a JSON object with "v": 1 and "type": type_name(type), and
// canonicalisable (integers only, valid UTF-8, at most 15 levels deep); errors:
// invalid_argument for a payload or header that breaks these rules,
// payload_too_large when the document would exceed kMaxDocumentSize.
[[nodiscard]] Result<std::string> seal(DocumentType type, const nlohmann::json& payload,
                                       const crypto::SigningKey& key,
                                       const std::vector<Header>& headers = {});

class TrustedKeys;
class VerifiedDocument;

// A document whose structure has been checked but whose signature has not.
class Envelope {
 public:
  DocumentType type() const { return type_; }
  const std::vector<Header>& headers() const { return headers_; }
  // The key id of the key that claims to have signed it.
  const std::string& kid() const { return kid_; }
  // For display and for finding the key to verify with (a device-signed
  // document carries its device's public key); never for decisions.
  const nlohmann::json& unverified_payload() const { return payload_; }

 private:
  friend Result<Envelope> parse_document(std::string_view armored);
  friend Result<nlohmann::json> verify_envelope(const Envelope& envelope,
                                                const crypto::PublicKey& key);
  friend Result<VerifiedDocument> open_document(std::string_view armored, DocumentType expected,
                                                const TrustedKeys& trusted);
  Envelope() = default;
  Status check_signature(const crypto::PublicKey& key) const;

  DocumentType type_ = DocumentType::license;
  std::vector<Header> headers_;
  std::string kid_;
  nlohmann::json payload_;
  std::string canonical_payload_;
  crypto::Signature signature_;
};

// Checks the structure of an armored document: armor lines with a known type,
// headers (at most 16, each line at most 256 bytes), a body of strict base64,
// an envelope in canonical JSON with exactly "alg": "ed25519", "kid" (16
// lower-case hex digits), "payload" (an object with "v": 1 and the armor's
// "type") and "sig" (base64 of 64 bytes).
// The block is found as it arrives after e-mail and editors (docs/FORMATS.md,
// "Reading a file that travelled"): anywhere in the text, in UTF-8 or UTF-16,
// with any line endings, "> " quoting, indentation and the body wrapped at any
// width; exactly one block. Errors: malformed, payload_too_large.
[[nodiscard]] Result<Envelope> parse_document(std::string_view armored);

// The document found in `text` as nodelock writes it: the block alone, in UTF-8
// with "\n" line endings and the body at 64 columns, so what is kept is clean
// whatever the mail did to it. Checks the structure as parse_document() does.
[[nodiscard]] Result<std::string> rewrap_document(std::string_view text);

// The payload, if `key` signed this envelope. Checks the signature only; the
// caller chooses the key (the vendor's, or the device key a request carries).
// Errors: unknown_signer when `key` has another key id than the envelope names,
// tampered when the signature does not verify.
[[nodiscard]] Result<nlohmann::json> verify_envelope(const Envelope& envelope,
                                                     const crypto::PublicKey& key);

// The vendor public keys a program trusts, found by key id, so a vendor can
// rotate its signing key while documents signed with the old one stay valid.
class TrustedKeys {
 public:
  TrustedKeys() = default;
  explicit TrustedKeys(const std::vector<crypto::PublicKey>& keys);

  void add(const crypto::PublicKey& key);
  // The trusted key with key id `kid`, or nullptr.
  const crypto::PublicKey* find(std::string_view kid) const;
  bool empty() const { return keys_.empty(); }

 private:
  struct Entry {
    std::string kid;
    crypto::PublicKey key;
  };
  std::vector<Entry> keys_;
};

// A document whose signature verified with a trusted key.
class VerifiedDocument {
 public:
  DocumentType type() const { return type_; }
  const std::string& kid() const { return kid_; }
  const nlohmann::json& payload() const { return payload_; }
  // Still only for people: headers are outside the signature.
  const std::vector<Header>& headers() const { return headers_; }

 private:
  friend Result<VerifiedDocument> open_document(std::string_view armored, DocumentType expected,
                                                const TrustedKeys& trusted);
  VerifiedDocument() = default;

  DocumentType type_ = DocumentType::license;
  std::string kid_;
  nlohmann::json payload_;
  std::vector<Header> headers_;
};

// Parses, checks that the document is of type `expected`, finds its signer among
// `trusted` and verifies. Errors: those of parse_document(), wrong_document (the
// message names both types), unknown_signer, tampered.
[[nodiscard]] Result<VerifiedDocument> open_document(std::string_view armored,
                                                     DocumentType expected,
                                                     const TrustedKeys& trusted);

}  // namespace nodelock
