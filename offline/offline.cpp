#include "nodelock/offline/offline.h"

#include <ctime>

#include "nodelock/activation/file_headers.h"
#include "nodelock/activation/site_binding.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/utc_time.h"
#include "site_ids.h"

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

// The vendor keys to check a file from support with: those given, else those
// pinned in the store, else (trusting it on first use) the file's Vendor-Key
// header, as an online first activation trusts the keys the server publishes.
Result<std::vector<crypto::PublicKey>> keys_to_trust(const LocalStore& store,
                                                     const Envelope& envelope,
                                                     const std::vector<crypto::PublicKey>& given,
                                                     bool& trusted_on_first_use) {
  std::vector<crypto::PublicKey> keys = given;
  if (keys.empty()) {
    auto pinned = store.read_vendor_keys();
    if (!pinned.ok()) return pinned.error();
    keys = *pinned;
  }
  if (keys.empty()) {
    auto key = header_key(envelope);
    if (!key.ok()) return key.error();
    keys.push_back(*key);
    trusted_on_first_use = true;
  }
  return keys;
}

Result<SignedRequest> save_pending(const LocalStore& store, Result<SignedRequest> request) {
  if (!request.ok()) return request;
  request->armored =
      with_header(request->armored, kCreatedHeader, utc_timestamp(request->request.created_at));
  if (auto status = store.save_pending_request(request->armored); !status.ok()) {
    return status.error();
  }
  return request;
}

Error nothing_installed(const std::string& product, const char* to_do) {
  return make_error(ErrorCode::not_activated, "No license for " + product +
                                                  " is installed on this machine, so there is "
                                                  "nothing to " +
                                                  to_do + ".");
}

Error made_for_another_machine(const std::string& claimed, const Machine& machine) {
  return make_error(ErrorCode::machine_mismatch, "This response was made for machine " + claimed +
                                                     ", not this one (" + machine.machine_id +
                                                     "); install it on " + claimed + ".");
}

}  // namespace

Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                   std::string_view typed_key, const std::string& product,
                                   std::optional<dongle::DongleBinding> dongle,
                                   std::optional<std::string> user) {
  return save_pending(
      store, nodelock::make_request(store, machine, typed_key, product, RequestPurpose::activate,
                                    std::nullopt, std::move(dongle), std::move(user)));
}

Result<SignedRequest> make_renewal_request(const LocalStore& store, const Machine& machine,
                                           const std::string& product) {
  if (!store.has_license()) return nothing_installed(product, "renew");
  auto record = store.read_record();
  if (!record.ok()) return record.error();
  return save_pending(store,
                      nodelock::make_request(store, machine, record->license_key, product,
                                             RequestPurpose::refresh, record->activation_id));
}

Result<Installed> install_response(const LocalStore& store, std::string_view text,
                                   const Machine& machine, const std::string& product,
                                   const std::vector<crypto::PublicKey>& vendor_keys) {
  // What is kept is the document as nodelock writes it, not the mail it came in.
  auto clean = rewrap_document(text);
  if (!clean.ok()) return clean.error();
  const std::string& response = *clean;
  auto envelope = parse_document(response);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::license) {
    return wrong_file(*envelope,
                      "`nodelock offline install` takes the response (.nlres) support sent back.");
  }
  Installed installed;
  auto trusted = keys_to_trust(store, *envelope, vendor_keys, installed.trusted_on_first_use);
  if (!trusted.ok()) return trusted.error();
  const std::vector<crypto::PublicKey>& keys = *trusted;
  // A damaged file is reported as damaged, whichever machine it is taken to.
  auto intact = open_document(response, DocumentType::license, TrustedKeys(keys));
  if (!intact.ok()) return intact.error();
  // Machine IDs are derived per product, so a response installed under another
  // product would otherwise be taken for another machine's.
  const auto licensed = intact->payload().find("product");
  if (licensed != intact->payload().end() && licensed->is_string() && *licensed != product) {
    return product_mismatch(licensed->get<std::string>(), product);
  }
  const std::string claimed = claimed_machine(*envelope);
  const bool for_another_machine = claimed != machine.machine_id;
  auto pending_text = store.read_pending_request();
  if (!pending_text.ok()) {
    if (for_another_machine) return made_for_another_machine(claimed, machine);
    return pending_text.error();
  }
  auto pending = read_signed_request(*pending_text);
  if (!pending.ok()) return pending.error();
  // Only a response to this request is judged by its dates: another one is
  // refused by install_license() for what it answers.
  auto offered = license_from_payload(intact->payload());
  if (!offered.ok()) return offered.error();
  if (offered->request_nonce == pending->nonce) {
    if (auto runs = check_runs_once_installed(*offered, *pending,
                                              static_cast<std::int64_t>(std::time(nullptr)));
        !runs.ok()) {
      return runs.error();
    }
  }
  ActivationRecord record;
  record.license_key = pending->key;
  auto license = install_license(store, response, TrustedKeys(keys), *pending, machine, record);
  if (!license.ok()) {
    if (license.code() == ErrorCode::machine_mismatch && for_another_machine) {
      return made_for_another_machine(claimed, machine);
    }
    return license.error();
  }
  if (auto status = store.save_vendor_keys(keys); !status.ok()) return status.error();
  installed.license = std::move(*license);
  return installed;
}

Result<std::string> deactivate(const LocalStore& store, const Machine& machine,
                               const std::string& product) {
  if (!store.has_license()) return nothing_installed(product, "deactivate");
  return destroy_and_sign_receipt(store, machine, product);
}

Result<InstalledSiteLicense> install_site_file(const LocalStore& store, std::string_view text,
                                               const std::string& product,
                                               const std::vector<crypto::PublicKey>& vendor_keys,
                                               const std::string& site_id) {
  if (!site_id.empty() && !is_identifier(site_id)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + site_id +
                          "' is not a site id: 1-64 of a-z, 0-9, '-', '_' and '.', such as "
                          "acme-hq");
  }
  auto clean = rewrap_document(text);
  if (!clean.ok()) return clean.error();
  const std::string& file = *clean;
  auto envelope = parse_document(file);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::site_license) {
    return wrong_file(*envelope, "this is not a site license file.");
  }
  InstalledSiteLicense installed;
  auto keys = keys_to_trust(store, *envelope, vendor_keys, installed.trusted_on_first_use);
  if (!keys.ok()) return keys.error();
  auto verified = open_document(file, DocumentType::site_license, TrustedKeys(*keys));
  if (!verified.ok()) return verified.error();
  auto license = site_license_from_payload(verified->payload());
  if (!license.ok()) return license.error();
  if (license->product != product) {
    return make_error(ErrorCode::product_mismatch,
                      "This site license file is for product '" + license->product + "', not '" +
                          product + "'; install it with --product " + license->product + ".");
  }
  auto saved = store.read_site_id();
  if (!saved.ok()) return saved.error();
  const std::string presented = site_id.empty() ? *saved : site_id;
  if (presented != license->site_id) {
    return outside_site(license->licensee, license->site_id, presented);
  }
  if (!site_id.empty() && !saved->empty() && site_id != *saved) {
    const auto bound = other_site_licenses_bound_to(store, *saved);
    if (!bound.empty()) return site_id_in_use(*saved, site_id, bound);
  }
  if (auto record = store.read_record(); record.ok()) {
    return make_error(ErrorCode::conflict,
                      "This machine holds activation " + record->activation_id + " of " + product +
                          "; deactivate it first (`nodelock deactivate` or `nodelock offline "
                          "deactivate`) so its seat is freed, then install the site license.");
  }
  if (!site_id.empty()) {
    if (auto status = store.save_site_id(site_id); !status.ok()) return status.error();
  }
  if (auto status = store.save_vendor_keys(*keys); !status.ok()) return status.error();
  // The store's own key MACs the clock record that stops a clock set back to
  // stretch the file's term, as for a machine's own license.
  if (auto key = store.device_key_for_request(); !key.ok()) return key.error();
  if (auto status = store.save_site_license(file); !status.ok()) {
    return status.error();
  }
  installed.license = std::move(*license);
  return installed;
}

}  // namespace nodelock::offline
