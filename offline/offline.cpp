#include "nodelock/offline/offline.h"

#include "nodelock/activation/encoding.h"

namespace nodelock::offline {
namespace {

Result<crypto::PublicKey> header_key(const Envelope& envelope) {
  for (const Header& header : envelope.headers()) {
    if (header.name != kVendorKeyHeader) continue;
    auto bytes = encoding::from_base64(header.value);
    if (!bytes.ok() || bytes->size() != 32) break;
    crypto::PublicKey key;
    std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
    return key;
  }
  return make_error(ErrorCode::unknown_signer,
                    "This machine does not know the vendor's key yet and the response names "
                    "none; give the vendor's public key with --pubkey FILE.");
}

// Puts the vendor key header right after the BEGIN line of an armored document.
std::string with_vendor_key(const std::string& armored, const std::string& key_base64) {
  const auto end_of_begin = armored.find('\n');
  if (end_of_begin == std::string::npos) return armored;
  return armored.substr(0, end_of_begin + 1) + kVendorKeyHeader + ": " + key_base64 + "\n" +
         armored.substr(end_of_begin + 1);
}

Result<SignedRequest> save_pending(const LocalStore& store, Result<SignedRequest> request) {
  if (!request.ok()) return request;
  if (auto status = store.save_pending_request(request->armored); !status.ok()) {
    return status.error();
  }
  return request;
}

}  // namespace

Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                   std::string_view typed_key, const std::string& product) {
  return save_pending(store, nodelock::make_request(store, machine, typed_key, product,
                                                    RequestPurpose::activate));
}

Result<SignedRequest> make_renewal_request(const LocalStore& store, const Machine& machine,
                                           const std::string& product) {
  auto record = store.read_record();
  if (!record.ok()) return record.error();
  return save_pending(store,
                      nodelock::make_request(store, machine, record->license_key, product,
                                             RequestPurpose::refresh, record->activation_id));
}

Result<Installed> install_response(const LocalStore& store, std::string_view response,
                                   const Machine& machine,
                                   const std::vector<crypto::PublicKey>& vendor_keys) {
  auto envelope = parse_document(response);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::license) {
    return make_error(ErrorCode::wrong_document,
                      "This is a " + std::string(armor_label(envelope->type())) +
                          " file, not a response (LICENSE); `nodelock offline install` takes "
                          "the .nlres file support sent back.");
  }
  auto pending_text = store.read_pending_request();
  if (!pending_text.ok()) return pending_text.error();
  auto pending = read_signed_request(*pending_text);
  if (!pending.ok()) return pending.error();

  Installed installed;
  std::vector<crypto::PublicKey> keys = vendor_keys;
  if (keys.empty()) {
    auto pinned = store.read_vendor_keys();
    if (!pinned.ok()) return pinned.error();
    keys = *pinned;
  }
  if (keys.empty()) {
    auto key = header_key(*envelope);
    if (!key.ok()) return key.error();
    keys.push_back(*key);
    installed.trusted_on_first_use = true;
  }
  ActivationRecord record;
  record.license_key = pending->key;
  auto license = install_license(store, response, TrustedKeys(keys), *pending, machine, record);
  if (!license.ok()) return license.error();
  if (auto status = store.save_vendor_keys(keys); !status.ok()) return status.error();
  installed.license = std::move(*license);
  return installed;
}

Result<Answer> respond(const ServerClient& server, std::string_view file) {
  auto envelope = parse_document(file);
  if (!envelope.ok()) return envelope.error();
  Answer answer;
  answer.answered = envelope->type();
  if (envelope->type() == DocumentType::deactivation_receipt) {
    auto reply = server.post("/v1/deactivations", {{"receipt", std::string(file)}});
    if (!reply.ok()) return reply.error();
    answer.summary = "The seat of activation " + reply->value("activation_id", std::string()) +
                     " is free.";
    return answer;
  }
  if (envelope->type() != DocumentType::activation_request) {
    return make_error(ErrorCode::wrong_document,
                      "This is a " + std::string(armor_label(envelope->type())) +
                          " file; `nodelock offline respond` takes a request (.nlreq) or a "
                          "deactivation receipt (.nldeact).");
  }
  auto reply = server.post("/v1/offline/activations", {{"request", std::string(file)}});
  if (!reply.ok()) return reply.error();
  if (!reply->contains("license") || !(*reply)["license"].is_string() ||
      !reply->contains("vendor_public_key") || !(*reply)["vendor_public_key"].is_string()) {
    return make_error(ErrorCode::server_error, "The server's answer holds no license.");
  }
  answer.response = with_vendor_key((*reply)["license"].get<std::string>(),
                                    (*reply)["vendor_public_key"].get<std::string>());
  answer.summary = "Activation " + reply->value("activation_id", std::string()) + " for " +
                   reply->value("machine_id", std::string()) +
                   (reply->value("existing", false) ? " (this machine already held a seat)" : "");
  return answer;
}

}  // namespace nodelock::offline
