#include "nodelock/client/offline_exchange.h"

#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/file_headers.h"
#include "nodelock/activation/payloads.h"

namespace nodelock {
namespace {

// A receipt's structure and its signature by the device key it carries. The
// server checks it again against the key the seat was enrolled with.
Status check_receipt(const Envelope& envelope) {
  auto receipt = deactivation_receipt_from_payload(envelope.unverified_payload());
  if (!receipt.ok()) return receipt.error();
  auto verified = verify_envelope(envelope, receipt->device_public_key);
  if (!verified.ok()) return verified.error();
  return {};
}

Result<OfflineAnswer> submit(const ServerClient& server, std::string_view file,
                             const Envelope& envelope) {
  if (Status intact = check_receipt(envelope); !intact.ok()) return intact.error();
  auto reply = server.post("/v1/deactivations", {{"receipt", std::string(file)}});
  if (!reply.ok() && reply.code() == ErrorCode::replayed) {
    return make_error(ErrorCode::replayed,
                      "This deactivation receipt was already submitted and its seat freed; a "
                      "receipt is accepted once.");
  }
  if (!reply.ok()) return reply.error();
  OfflineAnswer answer;
  answer.answered = DocumentType::deactivation_receipt;
  answer.summary = "Freed the seat of activation " + reply->value("activation_id", std::string()) +
                   " (machine " + claimed_machine(envelope) + ").";
  return answer;
}

}  // namespace

Result<OfflineAnswer> respond_offline(const ServerClient& server, std::string_view text) {
  // The server is sent the document alone, as nodelock writes it, however the
  // mail left the file (UTF-16 would not even fit in a JSON string).
  auto clean = rewrap_document(text);
  if (!clean.ok()) return clean.error();
  const std::string& file = *clean;
  auto envelope = parse_document(file);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() == DocumentType::deactivation_receipt) {
    return submit(server, file, *envelope);
  }
  if (envelope->type() != DocumentType::activation_request) {
    return wrong_file(*envelope,
                      "`nodelock offline respond` takes a request (.nlreq) or a deactivation "
                      "receipt (.nldeact).");
  }
  auto request = read_signed_request(file);
  if (!request.ok()) return request.error();
  auto reply = server.post("/v1/offline/activations", {{"request", std::string(file)}});
  if (!reply.ok()) return reply.error();
  if (!reply->contains("license") || !(*reply)["license"].is_string() ||
      !reply->contains("vendor_public_key") || !(*reply)["vendor_public_key"].is_string()) {
    return make_error(ErrorCode::server_error, "The server's answer holds no license.");
  }
  OfflineAnswer answer;
  answer.answered = DocumentType::activation_request;
  answer.response = with_header((*reply)["license"].get<std::string>(), kVendorKeyHeader,
                                (*reply)["vendor_public_key"].get<std::string>());
  const bool renewal = request->purpose == RequestPurpose::refresh;
  answer.summary = std::string(renewal ? "Renewed activation " : "Activation ") +
                   reply->value("activation_id", std::string()) + " for " +
                   reply->value("machine_id", std::string());
  if (reply->contains("seats") && (*reply)["seats"].is_object()) {
    const nlohmann::json& seats = (*reply)["seats"];
    const std::string used = seats.value("used", nlohmann::json()).dump();
    answer.summary += seats.contains("max")
                          ? ", seats in use: " + used + " of " + seats["max"].dump()
                          : ", machines activated: " + used + " (a site license has no limit)";
  }
  if (!renewal && reply->value("existing", false)) {
    answer.summary += " (this machine already held this seat; it was kept)";
  }
  answer.summary += ".";
  return answer;
}

Result<std::string> fetch_site_license_file(const ServerClient& server, std::string_view license_id,
                                            std::string_view site_id) {
  auto reply = server.post("/v1/licenses/" + std::string(license_id) + "/site-file",
                           {{"site_id", std::string(site_id)}});
  if (!reply.ok()) return reply.error();
  const auto file = reply->find("site_license");
  const auto key = reply->find("vendor_public_key");
  if (file == reply->end() || !file->is_string() || key == reply->end() || !key->is_string()) {
    return make_error(ErrorCode::server_error, "The server's answer holds no site license file.");
  }
  return with_header(file->get<std::string>(), kVendorKeyHeader, key->get<std::string>());
}

Result<OfflineAnswer> submit_deactivation_receipt(const ServerClient& server,
                                                  std::string_view text) {
  auto clean = rewrap_document(text);
  if (!clean.ok()) return clean.error();
  const std::string& file = *clean;
  auto envelope = parse_document(file);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::deactivation_receipt) {
    return wrong_file(*envelope,
                      "--receipt takes the deactivation receipt (.nldeact) an air-gapped "
                      "machine wrote with `nodelock offline deactivate`.");
  }
  return submit(server, file, *envelope);
}

}  // namespace nodelock
