// Armored documents and their envelopes (parse_document), then the payload
// reader of the document's type: the offline request, response, receipt and
// site files, and the lease and borrow documents, as a machine or the server
// reads them before trusting anything, as they arrive after e-mail (UTF-16,
// quoting, re-wrapped bodies: the corpus's mailed_* seeds), and rewritten as
// nodelock keeps them. A fixed key checks the signature path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nodelock/activation/document.h"
#include "nodelock/activation/payloads.h"

namespace {

using nodelock::DocumentType;

const nodelock::crypto::PublicKey& fixed_key() {
  static const auto key = [] {
    const std::uint8_t seed[32] = {1};
    return nodelock::crypto::SigningKey::from_seed({seed, sizeof seed}).value().public_key();
  }();
  return key;
}

void read_payload(DocumentType type, const nlohmann::json& payload) {
  switch (type) {
    case DocumentType::activation_request:
      (void)nodelock::activation_request_from_payload(payload);
      break;
    case DocumentType::license:
      (void)nodelock::license_from_payload(payload);
      break;
    case DocumentType::deactivation_receipt:
      (void)nodelock::deactivation_receipt_from_payload(payload);
      break;
    case DocumentType::lease:
      (void)nodelock::lease_from_payload(payload);
      break;
    case DocumentType::borrow:
      (void)nodelock::borrow_from_payload(payload);
      break;
    case DocumentType::site_license:
      (void)nodelock::site_license_from_payload(payload);
      break;
    case DocumentType::lease_request:
      (void)nodelock::lease_request_from_payload(payload);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto envelope = nodelock::parse_document(text);
  if (!envelope) return 0;
  // What parses is kept rewritten as nodelock writes it; that must not fail.
  if (!nodelock::rewrap_document(text).ok()) __builtin_trap();
  read_payload(envelope->type(), envelope->unverified_payload());
  (void)nodelock::verify_envelope(*envelope, fixed_key());
  const nodelock::TrustedKeys trusted({fixed_key()});
  (void)nodelock::open_document(text, envelope->type(), trusted);
  return 0;
}
