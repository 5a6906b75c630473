#include "nodelock/activation/verifier.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <mutex>

#include "../store/clock_guard.h"
#include "nodelock/activation/bound_dongle.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/fingerprint/match.h"
#include "terms.h"

namespace nodelock {

namespace {

// What one store's license looked like when last verified: the exact bytes
// whose vendor signature held, and what was learnt from them.
struct VerifiedLicense {
  std::string text;
  std::shared_ptr<const CheckResult::LicenseView> view;
  Status machine;  // the fingerprint match, fixed for this process
  std::unique_ptr<ClockGuard> clock;
  // Null for a license without a dongle. Shared so a proof, which may talk USB
  // for milliseconds, runs without holding the Verifier's lock.
  std::shared_ptr<const dongle::ProofCache> dongle;
};

// The dongle's refusal in the Verifier's terms: a signature that does not
// verify is a forgery, anything else (absent, another one, not answering, no
// permission) means the license's dongle is not there for it. The module's
// message says which and what to do.
Error dongle_refusal(const Error& error) {
  std::string message = error.message;
  if (!message.empty())
    message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
  return make_error(
      error.code == ErrorCode::tampered ? ErrorCode::tampered : ErrorCode::dongle_missing,
      message + ".");
}

// Read only on a refusal, so it costs the checks that pass nothing. The record
// is not signed; it chooses which advice to give, never the verdict.
bool activated_by_files(const LocalStore& store) {
  auto record = store.read_record();
  return record.ok() && record->server_url.empty();
}

}  // namespace

// One store as this Verifier knows it. Its paths are built once, and the
// license file is read into a buffer that keeps its capacity, so a check of an
// unchanged license allocates nothing.
struct KnownStore {
  explicit KnownStore(LocalStore local)
      : store(std::move(local)),
        license_path(store.license_path()),
        refusal_path(store.refusal_path()),
        site_id_path(store.site_id_path()),
        borrow_path(store.borrow_path()) {}

  LocalStore store;
  std::filesystem::path license_path;
  std::filesystem::path refusal_path;
  std::filesystem::path site_id_path;
  std::filesystem::path borrow_path;
  std::string read_buffer;
  std::string site_id_buffer;
  std::unique_ptr<VerifiedLicense> license;  // null until one verified
  std::unique_ptr<VerifiedLicense> borrow;   // the borrowed seat's, likewise
};

struct Verifier::Impl {
  TrustedKeys trusted;
  std::string product;
  VerifierOptions settings;
  std::mutex mutex;
  std::map<std::filesystem::path, KnownStore> stores;  // by the root checks name

  std::int64_t now() const {
    return settings.clock ? settings.clock() : static_cast<std::int64_t>(std::time(nullptr));
  }

  // Parses and verifies a license text not seen before, or with `borrowed`
  // the text of the borrowed seat's file.
  Result<VerifiedLicense> verify_new(std::string text, const LocalStore& store,
                                     const CheckOptions& options, bool borrowed) const {
    auto envelope = parse_document(text);
    if (!envelope.ok()) return envelope.error();
    const bool expected = borrowed ? envelope->type() == DocumentType::borrow
                                   : envelope->type() == DocumentType::license ||
                                         envelope->type() == DocumentType::site_license;
    if (!expected) {
      return make_error(ErrorCode::wrong_document,
                        borrowed ? "The borrowed seat's file holds another document."
                                 : "The license file holds another document.");
    }
    const crypto::PublicKey* signer = trusted.find(envelope->kid());
    if (signer == nullptr) {
      return make_error(ErrorCode::unknown_signer,
                        "The license was not signed by this application's vendor.");
    }
    auto payload = verify_envelope(*envelope, *signer);
    if (!payload.ok()) return payload.error();
    if (envelope->type() == DocumentType::site_license) {
      return verify_site(std::move(text), *payload);
    }
    if (borrowed) return verify_borrow(std::move(text), *payload, store, options);
    auto license = license_from_payload(*payload);
    if (!license.ok()) return license.error();
    if (license->product != product) {
      return another_products("The installed license", license->product);
    }
    VerifiedLicense entry{std::move(text), nullptr, {}, nullptr, nullptr};
    auto machine = match_machine(*license, options, "This license was activated",
                                 "Activate this machine, or ask support to transfer the license.");
    if (!machine.ok()) return machine.error();
    entry.machine = std::move(machine->verdict);
    entry.view = std::make_shared<const CheckResult::LicenseView>(
        CheckResult::LicenseView{std::move(*license),
                                 {},
                                 false,
                                 std::move(machine->machine_id),
                                 std::move(machine->warning)});
    if (const auto& binding = entry.view->license.dongle) {
      entry.dongle = std::make_shared<const dongle::ProofCache>(*binding, settings.dongle_devices,
                                                                settings.dongle_proof_lifetime);
    }
    return entry;
  }

  // A genuine document of this vendor for another of its products: one
  // vendor's products share a signing key, so the signature alone does not
  // tell them apart.
  Error another_products(std::string_view what, const std::string& found) const {
    return make_error(ErrorCode::product_mismatch,
                      std::string(what) + " is for product '" + found + "', not '" + product +
                          "'. Activate this product, or install the license meant for it.");
  }

  // Whether this machine is the one `license` is bound to: `verdict` is ok, or
  // the machine_mismatch to report ("<bound> on another machine …", then
  // `remedy`); an error when the machine's fingerprint cannot be collected.
  struct MachineMatch {
    Status verdict;
    std::string machine_id;  // this machine's, now
    std::string warning;     // a match with little to spare, for people
  };
  Result<MachineMatch> match_machine(const License& license, const CheckOptions& options,
                                     std::string_view bound, std::string_view remedy) const {
    auto machine = this_machine(product, options.sysroot);
    if (!machine.ok()) return machine.error();
    const auto match = fingerprint::match(
        license.fingerprint, with_bound_dongle(machine->fingerprint, license.dongle, product),
        license.match_policy);
    MachineMatch found{Status{}, machine->machine_id, {}};
    if (!match.ok()) {
      found.verdict = make_error(ErrorCode::machine_mismatch,
                                 std::string(bound) + " on another machine (" + license.machine_id +
                                     "); this one is " + machine->machine_id + " (" +
                                     match.explanation() + "). " + std::string(remedy));
    } else if (match.little_to_spare() && match.drifted()) {
      found.warning =
          "this machine matches the one the license was activated on (" + license.machine_id +
          ") with little to spare: " + match.explanation() +
          "; one more hardware change will stop the license. Activate again from this store "
          "(`nodelock activate`, or a new offline request) to enrol the machine as it is now";
    } else if (match.little_to_spare()) {
      // Enrolling again would change nothing: the margin is the machine's own.
      found.warning =
          "this machine offers only just enough identity for this license's match "
          "policy, " +
          match.explanation() +
          ", so any hardware change will stop the license. A license bound to a "
          "dongle, or a floating license, does not depend on this machine's hardware";
    }
    return found;
  }

  // A borrowed seat: bound like a license to the fingerprint, and to the
  // store's device key as well, so a BORROW copied into another installation
  // on a machine that happens to match is still refused.
  Result<VerifiedLicense> verify_borrow(std::string text, const nlohmann::json& payload,
                                        const LocalStore& store,
                                        const CheckOptions& options) const {
    auto borrow = borrow_from_payload(payload);
    if (!borrow.ok()) return borrow.error();
    if (borrow->product != product) {
      return another_products("The borrowed seat", borrow->product);
    }
    VerifiedLicense entry{std::move(text), nullptr, {}, nullptr, nullptr};
    License terms = terms_of(*borrow);
    MachineMatch found;
    constexpr const char* kRemedy = "Borrow a seat on this machine with `nodelock lease borrow`.";
    auto device_key = store.read_device_key();
    if (!device_key.ok() || device_key->public_key() != borrow->device_public_key) {
      entry.machine = make_error(ErrorCode::machine_mismatch,
                                 "This floating seat was borrowed by another installation (" +
                                     borrow->machine_id +
                                     "): this store does not hold the device key it is bound "
                                     "to. " +
                                     kRemedy);
    } else {
      auto machine = match_machine(terms, options, "This floating seat was borrowed", kRemedy);
      if (!machine.ok()) return machine.error();
      found = std::move(*machine);
      entry.machine = found.verdict;
    }
    entry.view = std::make_shared<const CheckResult::LicenseView>(CheckResult::LicenseView{
        std::move(terms), {}, true, std::move(found.machine_id), std::move(found.warning)});
    return entry;
  }

  // A site license file: bound to a site id, which each check compares with
  // the one the machine presents, so there is no fingerprint to match.
  Result<VerifiedLicense> verify_site(std::string text, const nlohmann::json& payload) const {
    auto site = site_license_from_payload(payload);
    if (!site.ok()) return site.error();
    if (site->product != product) {
      return another_products("The installed site license", site->product);
    }
    VerifiedLicense entry{std::move(text), nullptr, {}, nullptr, nullptr};
    entry.view = std::make_shared<const CheckResult::LicenseView>(
        CheckResult::LicenseView{terms_of(*site), site->site_id, false, {}, {}});
    return entry;
  }

  // The site id this check presents: the option, else the store's file.
  // Read into a buffer that keeps its capacity, so this allocates nothing.
  static std::string_view presented_site(KnownStore& state, const CheckOptions& options) {
    if (!options.site_id.empty()) return options.site_id;
    if (!read_file_into(state.site_id_path, LocalStore::kMaxSiteIdFileSize, state.site_id_buffer)
             .ok()) {
      return {};
    }
    return LocalStore::site_id_in(state.site_id_buffer);
  }
};

Verifier::Verifier(std::vector<crypto::PublicKey> trusted_vendor_keys, std::string product,
                   VerifierOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->trusted = TrustedKeys(trusted_vendor_keys);
  impl_->product = std::move(product);
  impl_->settings = std::move(options);
}
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;
Verifier::~Verifier() = default;

CheckResult Verifier::check(const CheckOptions& options) const {
  CheckResult result;
  const bool what_if = options.now.has_value();
  const std::int64_t now = what_if ? *options.now : impl_->now();
  const auto fail = [&result](const Error& error) {
    result.status_ = status_for(error.code);
    result.message_ = error.message;
    return result;
  };
  // Which store holds the license follows the environment and what is
  // installed, so it is looked for at every check.
  std::filesystem::path found;
  if (options.store.empty()) {
    auto located = LocalStore::root_for(impl_->product);
    if (!located.ok()) return fail(located.error());
    found = std::move(*located);
  }
  const std::filesystem::path& root = options.store.empty() ? found : options.store;

  std::unique_lock<std::mutex> lock(impl_->mutex);
  auto known = impl_->stores.find(root);
  if (known == impl_->stores.end()) {
    known = impl_->stores.emplace(root, KnownStore(LocalStore(root, impl_->product))).first;
  }
  KnownStore& state = known->second;

  // The file is read and compared byte for byte with the text whose signature
  // held, on every check: a license replaced, edited or deleted since is
  // noticed at once, whatever its size, times or inode say. The signature is
  // verified again only when the bytes differ: with the same trusted keys the
  // same bytes verify the same way, so the cached verdict is as strong as a
  // fresh verify, and only someone who can already write this process's
  // memory could change it.
  //
  // A borrowed seat counts only where no license is installed. Looking for
  // one costs a failed access() and allocates nothing; a failed read would
  // build an error message.
  const bool borrowed = ::access(state.borrow_path.c_str(), F_OK) == 0 &&
                        ::access(state.license_path.c_str(), F_OK) != 0;
  if (borrowed) {
    if (Status read =
            read_file_into(state.borrow_path, LocalStore::kMaxLicenseSize, state.read_buffer);
        !read.ok()) {
      return fail(read.error());
    }
  } else if (!read_file_into(state.license_path, LocalStore::kMaxLicenseSize, state.read_buffer)
                  .ok()) {
    auto text = state.store.read_license();  // says why: not activated, unreadable
    if (!text.ok()) return fail(text.error());
    state.read_buffer = std::move(*text);
  }
  std::unique_ptr<VerifiedLicense>& verified = borrowed ? state.borrow : state.license;
  if (verified == nullptr || state.read_buffer != verified->text) {
    auto entry = impl_->verify_new(state.read_buffer, state.store, options, borrowed);
    if (!entry.ok()) return fail(entry.error());
    verified = std::make_unique<VerifiedLicense>(std::move(*entry));
  }
  VerifiedLicense& entry = *verified;
  result.license_ = entry.view;
  // Parsed only when present: almost always it is not. A refusal is the
  // server's word on an activation, which a borrowed seat is not.
  if (!borrowed && ::access(state.refusal_path.c_str(), F_OK) == 0) {
    if (auto refusal = state.store.read_refusal()) return fail({refusal->code, refusal->message});
  }
  if (!entry.machine.ok()) return fail(entry.machine.error());
  const bool site_file = !entry.view->site_id.empty();
  if (site_file) {
    if (auto status = check_site(*entry.view, Impl::presented_site(state, options)); !status.ok()) {
      return fail(status.error());
    }
  }
  if (!what_if) {
    // Made at the first check on the real clock: finding the record may
    // create a per-user secret, which a what-if check must not.
    if (entry.clock == nullptr) {
      entry.clock = std::make_unique<ClockGuard>(
          ClockGuard::for_store(state.store.directory(), impl_->product));
    }
    if (auto status = entry.clock->observe(now); !status.ok()) return fail(status.error());
  }
  if (borrowed) {
    if (auto status = check_borrow_term(entry.view->license, now); !status.ok()) {
      return fail(status.error());
    }
  }
  const bool checks_in = !site_file && !borrowed;
  if (auto status = check_terms(entry.view->license, checks_in, options, now, result.in_grace_);
      !status.ok()) {
    if (status.code() == ErrorCode::needs_refresh && activated_by_files(state.store)) {
      return fail(renewal_by_file(entry.view->license));
    }
    return fail(status.error());
  }
  if (entry.dongle != nullptr) {
    const std::shared_ptr<const dongle::ProofCache> dongle = entry.dongle;
    lock.unlock();
    auto proof = dongle->check();
    if (!proof.ok()) return fail(dongle_refusal(proof.error()));
    result.dongle_proven_ = true;
  }
  result.status_ = LicenseStatus::valid;
  return result;
}

}  // namespace nodelock
