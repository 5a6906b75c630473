// The support side of the air-gapped exchange: a connected machine hands the
// files an air-gapped machine wrote to the license server and writes the
// answers to carry back (nodelock/offline/offline.h is the machine's side).
#pragma once

#include <string>
#include <string_view>

#include "nodelock/activation/document.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct OfflineAnswer {
  DocumentType answered;  // activation_request or deactivation_receipt
  std::string response;   // the response file (empty for a receipt)
  std::string summary;    // for people: what the server did
};

// Checks a request or receipt file locally (structure and device signature: a
// damaged file is refused before anything is sent), then submits it. A request
// needs a support token; the same request answered again gives the same seat.
[[nodiscard]] Result<OfflineAnswer> respond_offline(const ServerClient& server,
                                                    std::string_view file);
// The same for a file that must be a DEACTIVATION RECEIPT (wrong_document otherwise).
[[nodiscard]] Result<OfflineAnswer> submit_deactivation_receipt(const ServerClient& server,
                                                                std::string_view file);

// The site license file of site license `license_id` for `site_id`, with the
// Vendor-Key header. Errors: the server's.
[[nodiscard]] Result<std::string> fetch_site_license_file(const ServerClient& server,
                                                          std::string_view license_id,
                                                          std::string_view site_id);

}  // namespace nodelock
