#include "nodelock/activation/enrolment.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "../store/clock_guard.h"
#include "../verifier/terms.h"
#include "nodelock/activation/bound_dongle.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/utc_time.h"
#include "nodelock/fingerprint/collect.h"
#include "nodelock/fingerprint/match.h"
#include "payload_fields.h"

namespace nodelock {
namespace {

// The machine's name as requests carry it: the server refuses a name with
// control characters (payload_fields.h), so an odd local name is sent with
// each byte outside printable ASCII shown as '?' rather than making the
// machine impossible to activate.
std::string displayable(std::string name) {
  if (name.empty()) return "unknown";
  if (encoding::is_display_text(name, kMaxHostnameBytes)) return name;
  name.resize(std::min(name.size(), kMaxHostnameBytes));
  for (char& c : name) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return name;
}

std::string hostname_of(const std::filesystem::path& sysroot) {
  if (!sysroot.empty()) {
    auto text = read_file(sysroot / "etc" / "hostname", 256);
    if (!text.ok()) return "unknown";
    std::string name = *text;
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    return displayable(std::move(name));
  }
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return displayable(name);
}

Error not_for_this_request(const std::string& what) {
  return make_error(ErrorCode::machine_mismatch,
                    "This license answers another request (" + what +
                        "). Install the response made for this machine's request.");
}

// The binding of the license installed in `store`, which a refresh renews. The
// server compares it with the seat's, so reading it unverified is enough here.
Result<std::optional<dongle::DongleBinding>> installed_binding(const LocalStore& store) {
  auto text = store.read_license();
  if (!text.ok()) return text.error();
  auto envelope = parse_document(*text);
  if (!envelope.ok()) return envelope.error();
  auto license = license_from_payload(envelope->unverified_payload());
  if (!license.ok()) return license.error();
  return license->dongle;
}

}  // namespace

Result<Machine> this_machine(const std::string& product, const std::filesystem::path& sysroot) {
  fingerprint::CollectOptions options;
  if (!sysroot.empty()) options.root = sysroot;
  auto fingerprint = fingerprint::cached_fingerprint(options, product);
  if (!fingerprint.ok()) return fingerprint.error();
  Machine machine;
  machine.fingerprint = *fingerprint;
  machine.machine_id = machine.fingerprint.machine_id();
  machine.hostname = hostname_of(sysroot);
  return machine;
}

Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                   std::string_view typed_key, const std::string& product,
                                   RequestPurpose purpose, std::optional<std::string> activation_id,
                                   std::optional<dongle::DongleBinding> dongle,
                                   std::optional<std::string> user,
                                   std::optional<CheckInHistory> history) {
  auto key = LicenseKey::parse(typed_key);
  if (!key.ok()) return key.error();
  if (user) {
    auto email = license_user_email(*user);
    if (!email.ok()) return email.error();
    user = std::move(*email);
  }
  if (purpose == RequestPurpose::refresh) {
    auto installed = installed_binding(store);
    if (!installed.ok()) return installed.error();
    dongle = std::move(*installed);
  }
  auto device_key = store.device_key_for_request();
  if (!device_key.ok()) return device_key.error();

  SignedRequest signed_request;
  ActivationRequest& request = signed_request.request;
  request.purpose = purpose;
  request.key = key->text();
  request.product = product;
  request.fingerprint = machine.fingerprint;
  request.machine_id = machine.machine_id;
  request.device_public_key = device_key->public_key();
  request.nonce = make_nonce();
  request.created_at = static_cast<std::int64_t>(std::time(nullptr));
  request.client_version = std::string(kClientVersion);
  request.hostname = machine.hostname;
  request.activation_id = std::move(activation_id);
  request.dongle = std::move(dongle);
  request.user = std::move(user);
  request.history = std::move(history);

  auto armored = seal(
      DocumentType::activation_request, to_payload(request), *device_key,
      {{"Product", product}, {"Machine", machine.machine_id}, {"Key", "...-" + key->last_group()}});
  if (!armored.ok()) return armored.error();
  signed_request.armored = std::move(*armored);
  return signed_request;
}

Result<std::string> sign_deactivation_receipt(const LocalStore& store, const Machine& machine,
                                              const std::string& product) {
  auto record = store.read_record();
  if (!record.ok()) return record.error();
  auto device_key = store.read_device_key();
  if (!device_key.ok()) return device_key.error();
  DeactivationReceipt receipt;
  receipt.activation_id = record->activation_id;
  receipt.license_id = record->license_id;
  receipt.product = product;
  receipt.machine_id = machine.machine_id;
  receipt.device_public_key = device_key->public_key();
  receipt.nonce = make_nonce();
  receipt.created_at = static_cast<std::int64_t>(std::time(nullptr));
  auto armored = seal(DocumentType::deactivation_receipt, to_payload(receipt), *device_key,
                      {{"Product", product}, {"Machine", machine.machine_id}});
  return armored;
}

Result<std::string> destroy_and_sign_receipt(const LocalStore& store, const Machine& machine,
                                             const std::string& product) {
  auto receipt = sign_deactivation_receipt(store, machine, product);
  if (!receipt.ok()) return receipt.error();
  if (auto status = store.remove_activation(); !status.ok()) return status.error();
  return receipt;
}

Result<ActivationRequest> read_signed_request(std::string_view armored) {
  auto envelope = parse_document(armored);
  if (!envelope.ok()) return envelope.error();
  if (envelope->type() != DocumentType::activation_request) {
    return make_error(ErrorCode::wrong_document, "This is a " +
                                                     std::string(armor_label(envelope->type())) +
                                                     " file, not an ACTIVATION REQUEST.");
  }
  auto claimed = activation_request_from_payload(envelope->unverified_payload());
  if (!claimed.ok()) return claimed.error();
  auto verified = verify_envelope(*envelope, claimed->device_public_key);
  if (!verified.ok()) return verified.error();
  return claimed;
}

Result<License> install_license(const LocalStore& store, std::string_view armored,
                                const TrustedKeys& trusted, const ActivationRequest& request,
                                const Machine& machine, const ActivationRecord& record) {
  auto document = open_document(armored, DocumentType::license, trusted);
  if (!document.ok()) return document.error();
  auto license = license_from_payload(document->payload());
  if (!license.ok()) return license.error();
  if (license->product != request.product) {
    return product_mismatch(license->product, request.product);
  }
  if (license->request_nonce != request.nonce) return not_for_this_request("nonce differs");
  if (license->device_public_key != request.device_public_key) {
    return not_for_this_request("device key differs");
  }
  if (license->dongle != request.dongle) return not_for_this_request("dongle binding differs");
  const auto match =
      fingerprint::match(license->fingerprint,
                         with_bound_dongle(machine.fingerprint, license->dongle, request.product),
                         license->match_policy);
  if (!match.ok()) {
    return make_error(ErrorCode::machine_mismatch,
                      "This license belongs to machine " + license->machine_id + ", not " +
                          machine.machine_id + " (" + match.explanation() + ").");
  }
  // Before the license, so a license is never installed next to a clock
  // record its device key cannot verify.
  if (auto restarted =
          ClockGuard::for_store(store.directory(), request.product).restart_at(license->issued_at);
      !restarted.ok()) {
    return restarted.error();
  }
  ActivationRecord complete = record;
  complete.license_id = license->license_id;
  complete.activation_id = license->activation_id;
  if (auto status = store.save_activation(std::string(armored), complete); !status.ok()) {
    return status.error();
  }
  return license;
}

Status check_runs_once_installed(const License& license, const ActivationRequest& pending,
                                 std::int64_t now) {
  bool in_grace = false;
  const Status terms = check_terms(license, asks_for_check_in(license), {}, now, in_grace);
  if (terms.ok() ||
      (terms.code() != ErrorCode::expired && terms.code() != ErrorCode::needs_refresh)) {
    return {};
  }
  const std::string request =
      pending.purpose == RequestPurpose::refresh
          ? "`nodelock offline request --renew --product " + license.product + " --out renew.nlreq`"
          : "`nodelock offline request --key KEY --product " + license.product +
                " --out FILE.nlreq`";
  const std::string why =
      terms.code() == ErrorCode::expired
          ? "This response's license expired on " + utc_date(license.expires_at.value_or(0)) +
                (license.grace_days > 0
                     ? " (with " + std::to_string(license.grace_days) +
                           (license.grace_days == 1 ? " day" : " days") + " of grace)"
                     : std::string()) +
                "; installed, it would stop the application at once, so it was not installed. "
                "Ask your vendor to extend the license, then make a new request here with " +
                request + " and have support answer it."
          : "This response's license had to be renewed by " + utc_date(license.refresh_by) +
                "; installed, it would stop the application at once, so it was not installed. "
                "Make a new request here with " +
                request +
                " and have support answer it: a license activated by files now runs for its "
                "whole term.";
  return make_error(terms.code(), why);
}

Error product_mismatch(const std::string& licensed, const std::string& wanted) {
  return make_error(ErrorCode::product_mismatch,
                    "This license is for product '" + licensed + "', not '" + wanted +
                        "'. Install it with --product " + licensed + ".");
}

}  // namespace nodelock
