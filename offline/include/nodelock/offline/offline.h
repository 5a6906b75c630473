// Activation by files, for machines that never reach the license server.
//
// On the air-gapped machine: make_request() writes a signed ACTIVATION REQUEST
// (and keeps it as pending in the store); install_response() checks that a
// LICENSE answers exactly that pending request on this machine and installs it;
// deactivate() destroys the license and device key and returns the signed
// DEACTIVATION RECEIPT. Nothing here opens a socket.
// On a connected machine, support answers the files through the server
// (nodelock/client/offline_exchange.h).
//
// A site license reaches air-gapped machines as one site license file instead
// (install_site_file()): bound to a site id rather than to a machine, so the
// same file is installed on every machine of the site.
//
// An offline activation is checked, counted and bound exactly like an online
// one: the same request document, the same server checks, the same license.
// docs/OFFLINE.md is the operator's guide.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/crypto.h"

namespace nodelock::offline {

// A request to activate, or (make_renewal_request) to renew the installed term
// license: same binding, new dates. Either is saved as pending, replacing any
// earlier pending request.
// With `dongle` (dongle::enrol(), `--dongle`) the license is bound to it too;
// `user` names the license user the machine is activated for (`--user`).
[[nodiscard]] Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                                 std::string_view typed_key,
                                                 const std::string& product,
                                                 std::optional<dongle::DongleBinding> dongle = {},
                                                 std::optional<std::string> user = {});
// not_activated when no license is installed to renew.
[[nodiscard]] Result<SignedRequest> make_renewal_request(const LocalStore& store,
                                                         const Machine& machine,
                                                         const std::string& product);

struct Installed {
  License license;
  bool trusted_on_first_use = false;  // the response's Vendor-Key header was pinned
};

// `product`: the product the store holds, which the license must name.
// `vendor_keys` empty: the keys pinned in the store, else the response's header.
// Errors: malformed, tampered, unknown_signer, wrong_document (not a LICENSE),
// not_found (no request pending), machine_mismatch (made for another machine or
// another request), product_mismatch. Nothing is written on error.
[[nodiscard]] Result<Installed> install_response(const LocalStore& store, std::string_view response,
                                                 const Machine& machine, const std::string& product,
                                                 const std::vector<crypto::PublicKey>& vendor_keys);

// Destroys the installed license, device key and any pending request, then
// returns the DEACTIVATION RECEIPT for support to submit. not_activated when no
// license is installed.
[[nodiscard]] Result<std::string> deactivate(const LocalStore& store, const Machine& machine,
                                             const std::string& product);

struct InstalledSiteLicense {
  SiteLicense license;
  bool trusted_on_first_use = false;  // the file's Vendor-Key header was pinned
};

// On the machine: checks the vendor signature (keys as for install_response),
// the product, and that the machine presents the file's site id: `site_id`,
// which is then saved as the machine's, or else the one saved before. Errors:
// malformed, tampered, unknown_signer, wrong_document (not a SITE LICENSE),
// product_mismatch, invalid_argument (not a site id), outside_site (no site id
// or another one), conflict (the product is activated on this machine: its
// seat would be lost; or `site_id` would replace the machine's saved one, to
// which another product's site license is bound). Nothing is written on error.
[[nodiscard]] Result<InstalledSiteLicense> install_site_file(
    const LocalStore& store, std::string_view file, const std::string& product,
    const std::vector<crypto::PublicKey>& vendor_keys, const std::string& site_id);

}  // namespace nodelock::offline
