// Activation by files, for machines that never reach the license server.
//
// On the air-gapped machine: make_request() writes a signed ACTIVATION REQUEST
// (and keeps it as pending in the store); install_response() checks that a
// LICENSE answers exactly that pending request on this machine and installs it;
// deactivation is destroy_and_sign_receipt() from enrolment.h.
// On a connected machine, support runs respond() to turn a request into a
// response file, or to hand a deactivation receipt to the server.
//
// An offline activation is checked, counted and bound exactly like an online
// one: the same request document, the same server checks, the same license.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/crypto.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/server_client.h"

namespace nodelock::offline {

// The header of a response file naming the vendor key that signed it. Headers
// are not signed: it is only trusted when the store has pinned no vendor key
// yet and no --pubkey was given, as an online first activation trusts the keys
// the server publishes.
inline constexpr const char* kVendorKeyHeader = "Vendor-Key";

// A request to activate (`renewal` false) or to renew the installed license of a
// term license (`renewal` true: same binding, new dates). Saved as pending.
[[nodiscard]] Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                                 std::string_view typed_key,
                                                 const std::string& product);
[[nodiscard]] Result<SignedRequest> make_renewal_request(const LocalStore& store,
                                                         const Machine& machine,
                                                         const std::string& product);

struct Installed {
  License license;
  bool trusted_on_first_use = false;  // the response's Vendor-Key header was pinned
};

// `vendor_keys` empty: the keys pinned in the store, else the response's header.
[[nodiscard]] Result<Installed> install_response(const LocalStore& store,
                                                 std::string_view response,
                                                 const Machine& machine,
                                                 const std::vector<crypto::PublicKey>& vendor_keys);

struct Answer {
  DocumentType answered;   // activation_request or deactivation_receipt
  std::string response;    // the response file (empty for a receipt)
  std::string summary;     // for people: what the server did
};

// Support side: submits a request or receipt file to the server.
[[nodiscard]] Result<Answer> respond(const ServerClient& server, std::string_view file);

}  // namespace nodelock::offline
