#include "nodelock/activation/verifier.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>

#include "../store/clock_guard.h"
#include "nodelock/activation/bound_dongle.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/file_io.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/activation/utc_time.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock {

struct CheckResult::LicenseView {
  License license;
  std::string site_id;  // a site license file's; empty for a machine's own license
};

namespace {

constexpr std::int64_t kDay = 24 * 3600;

constexpr std::pair<LicenseStatus, std::string_view> kStatusNames[] = {
    {LicenseStatus::valid, "valid"},
    {LicenseStatus::not_activated, "not_activated"},
    {LicenseStatus::expired, "expired"},
    {LicenseStatus::machine_mismatch, "machine_mismatch"},
    {LicenseStatus::tampered, "tampered"},
    {LicenseStatus::clock_rollback, "clock_rollback"},
    {LicenseStatus::needs_refresh, "needs_refresh"},
    {LicenseStatus::version_not_covered, "version_not_covered"},
    {LicenseStatus::dongle_missing, "dongle_missing"},
    {LicenseStatus::suspended, "suspended"},
    {LicenseStatus::revoked, "revoked"},
    {LicenseStatus::outside_site, "outside_site"},
};

LicenseStatus status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_activated: return LicenseStatus::not_activated;
    case ErrorCode::expired: return LicenseStatus::expired;
    case ErrorCode::machine_mismatch: return LicenseStatus::machine_mismatch;
    case ErrorCode::clock_rollback: return LicenseStatus::clock_rollback;
    case ErrorCode::needs_refresh: return LicenseStatus::needs_refresh;
    case ErrorCode::version_not_covered: return LicenseStatus::version_not_covered;
    case ErrorCode::dongle_missing: return LicenseStatus::dongle_missing;
    case ErrorCode::suspended: return LicenseStatus::suspended;
    case ErrorCode::revoked: return LicenseStatus::revoked;
    case ErrorCode::outside_site: return LicenseStatus::outside_site;
    default: return LicenseStatus::tampered;
  }
}

// The major version of "4.2.0" (leading digits), or -1.
long major_version(const std::string& version) {
  if (version.empty() || version[0] < '0' || version[0] > '9') return -1;
  return std::strtol(version.c_str(), nullptr, 10);
}

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

// `checks_in`: false for a site license file, which has no server to check in with.
Status check_terms(const License& license, bool checks_in, const CheckOptions& options,
                   std::int64_t now, bool& in_grace) {
  const std::int64_t grace = license.grace_days * kDay;
  if (now + ClockGuard::kToleranceSeconds < license.issued_at) {
    return make_error(ErrorCode::clock_rollback,
                      "The system clock (" + utc_date(now) + ") is before this license was issued (" +
                          utc_date(license.issued_at) +
                          "). Set the correct date and time, then try again.");
  }
  if (license.expires_at && now > *license.expires_at + grace) {
    return make_error(ErrorCode::expired, "This license expired on " +
                                              utc_date(*license.expires_at) +
                                              ". Renew it with your vendor, then run "
                                              "`nodelock refresh`.");
  }
  if (checks_in && now > license.refresh_by + grace) {
    return make_error(ErrorCode::needs_refresh,
                      "This license had to check in with the license server by " +
                          utc_date(license.refresh_by) +
                          ". Connect to the network and run `nodelock refresh`.");
  }
  in_grace =
      (license.expires_at && now > *license.expires_at) || (checks_in && now > license.refresh_by);
  const long major = major_version(options.app_version);
  if (license.max_version && major > *license.max_version) {
    return make_error(ErrorCode::version_not_covered,
                      "This license covers versions up to " +
                          std::to_string(*license.max_version) + ".x, not " +
                          options.app_version + ". Upgrade the license or use an earlier version.");
  }
  if (license.maintenance_end && options.app_release_time &&
      *options.app_release_time > *license.maintenance_end) {
    return make_error(ErrorCode::version_not_covered,
                      "This license covers releases up to " + utc_date(*license.maintenance_end) +
                          "; this build is newer. Renew maintenance or use an earlier build.");
  }
  return {};
}

// A site license file's terms in the shape every check reads.
License terms_of(const SiteLicense& site) {
  License license;
  license.license_id = site.license_id;
  license.product = site.product;
  license.licensee = site.licensee;
  license.model = SeatModel::site;
  license.term = site.term;
  license.features = site.features;
  license.issued_at = site.issued_at;
  license.expires_at = site.expires_at;
  license.grace_days = site.grace_days;
  license.max_version = site.max_version;
  license.maintenance_end = site.maintenance_end;
  return license;
}

// ok when the machine presents the site id a site license file is bound to.
Status check_site(const CheckResult::LicenseView& view, std::string_view presented) {
  if (presented == view.site_id) return {};
  const std::string licensee = view.license.licensee.empty() ? "" : " of " + view.license.licensee;
  const std::string seen = presented.empty()
                               ? "this machine presents no site id"
                               : "this machine presents site id '" + std::string(presented) + "'";
  return make_error(ErrorCode::outside_site,
                    "This site license" + licensee + " is for site '" + view.site_id + "', and " +
                        seen + ". Set the site id with `nodelock offline install FILE --site-id " +
                        view.site_id + "`, or ask support for this site's file.");
}

}  // namespace

std::string_view status_name(LicenseStatus status) {
  for (const auto& [known, name] : kStatusNames) {
    if (known == status) return name;
  }
  return "tampered";
}

bool CheckResult::has_feature(std::string_view name) const {
  const auto& list = features();
  return std::find(list.begin(), list.end(), name) != list.end();
}

const std::vector<std::string>& CheckResult::features() const {
  static const std::vector<std::string> none;
  return license_ && ok() ? license_->license.features : none;
}

const std::string& CheckResult::license_id() const {
  static const std::string none;
  return license_ ? license_->license.license_id : none;
}

const std::string& CheckResult::licensee() const {
  static const std::string none;
  return license_ ? license_->license.licensee : none;
}

const std::string& CheckResult::site_id() const {
  static const std::string none;
  return license_ ? license_->site_id : none;
}

const std::string& CheckResult::machine_id() const {
  static const std::string none;
  return license_ ? license_->license.machine_id : none;
}

std::optional<std::int64_t> CheckResult::expires_at() const {
  return license_ ? license_->license.expires_at : std::nullopt;
}

std::int64_t CheckResult::refresh_by() const { return license_ ? license_->license.refresh_by : 0; }

const dongle::DongleBinding* CheckResult::dongle() const {
  return license_ && license_->license.dongle ? &*license_->license.dongle : nullptr;
}

// One store as this Verifier knows it. Its paths are built once, and the
// license file is read into a buffer that keeps its capacity, so a check of an
// unchanged license allocates nothing.
struct KnownStore {
  explicit KnownStore(LocalStore local)
      : store(std::move(local)),
        license_path(store.license_path()),
        refusal_path(store.refusal_path()),
        site_id_path(store.site_id_path()) {}

  LocalStore store;
  std::filesystem::path license_path;
  std::filesystem::path refusal_path;
  std::filesystem::path site_id_path;
  std::string read_buffer;
  std::string site_id_buffer;
  std::unique_ptr<VerifiedLicense> license;  // null until one verified
};

struct Verifier::Impl {
  TrustedKeys trusted;
  std::string product;
  VerifierOptions dongles;
  std::mutex mutex;
  std::map<std::filesystem::path, KnownStore> stores;  // by the root checks name

  // Parses and verifies a license text not seen before.
  Result<VerifiedLicense> verify_new(std::string text, const LocalStore& store,
                                     const CheckOptions& options) const {
    auto envelope = parse_document(text);
    if (!envelope.ok()) return envelope.error();
    if (envelope->type() != DocumentType::license &&
        envelope->type() != DocumentType::site_license) {
      return make_error(ErrorCode::wrong_document, "The license file holds another document.");
    }
    const crypto::PublicKey* signer = trusted.find(envelope->kid());
    if (signer == nullptr) {
      return make_error(ErrorCode::unknown_signer,
                        "The license was not signed by this application's vendor.");
    }
    auto payload = verify_envelope(*envelope, *signer);
    if (!payload.ok()) return payload.error();
    if (envelope->type() == DocumentType::site_license) {
      return verify_site(std::move(text), *payload, store);
    }
    auto license = license_from_payload(*payload);
    if (!license.ok()) return license.error();
    if (license->product != product) {
      return make_error(ErrorCode::tampered, "The installed license is for product '" +
                                                 license->product + "', not '" + product + "'.");
    }
    VerifiedLicense entry{std::move(text), nullptr, {}, nullptr, nullptr};
    auto machine = this_machine(product, options.sysroot);
    if (!machine.ok()) return machine.error();
    const auto match = fingerprint::match(
        license->fingerprint, with_bound_dongle(machine->fingerprint, license->dongle, product),
        license->match_policy);
    if (!match.ok()) {
      entry.machine = make_error(ErrorCode::machine_mismatch,
                                 "This license was activated on another machine (" +
                                     license->machine_id + "); this one is " +
                                     machine->machine_id + " (" +
                                     match.explanation() +
                                     "). Activate this machine, or ask support to transfer "
                                     "the license.");
    }
    entry.view = std::make_shared<const CheckResult::LicenseView>(
        CheckResult::LicenseView{std::move(*license), {}});
    entry.clock = std::make_unique<ClockGuard>(ClockGuard::for_store(store.directory(), product));
    if (const auto& binding = entry.view->license.dongle) {
      entry.dongle = std::make_shared<const dongle::ProofCache>(*binding, dongles.dongle_devices,
                                                                dongles.dongle_proof_lifetime);
    }
    return entry;
  }

  // A site license file: bound to a site id, which each check compares with
  // the one the machine presents, so there is no fingerprint to match.
  Result<VerifiedLicense> verify_site(std::string text, const nlohmann::json& payload,
                                      const LocalStore& store) const {
    auto site = site_license_from_payload(payload);
    if (!site.ok()) return site.error();
    if (site->product != product) {
      return make_error(ErrorCode::tampered, "The installed site license is for product '" +
                                                 site->product + "', not '" + product + "'.");
    }
    VerifiedLicense entry{std::move(text), nullptr, {}, nullptr, nullptr};
    entry.view = std::make_shared<const CheckResult::LicenseView>(
        CheckResult::LicenseView{terms_of(*site), site->site_id});
    entry.clock = std::make_unique<ClockGuard>(ClockGuard::for_store(store.directory(), product));
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
  impl_->dongles = std::move(options);
}
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;
Verifier::~Verifier() = default;

CheckResult Verifier::check(const CheckOptions& options) const {
  CheckResult result;
  const std::int64_t now = options.now.value_or(static_cast<std::int64_t>(std::time(nullptr)));
  const auto fail = [&result](const Error& error) {
    result.status_ = status_for(error.code);
    result.message_ = error.message;
    return result;
  };
  // The default root follows the environment, so it is looked up every time.
  const std::filesystem::path default_root =
      options.store.empty() ? LocalStore::default_root() : std::filesystem::path();
  const std::filesystem::path& root = options.store.empty() ? default_root : options.store;

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
  if (!read_file_into(state.license_path, LocalStore::kMaxLicenseSize, state.read_buffer).ok()) {
    auto text = state.store.read_license();  // says why: not activated, unreadable
    if (!text.ok()) return fail(text.error());
    state.read_buffer = std::move(*text);
  }
  if (state.license == nullptr || state.read_buffer != state.license->text) {
    auto entry = impl_->verify_new(state.read_buffer, state.store, options);
    if (!entry.ok()) return fail(entry.error());
    state.license = std::make_unique<VerifiedLicense>(std::move(*entry));
  }
  VerifiedLicense& entry = *state.license;
  result.license_ = entry.view;
  // Parsed only when present: almost always it is not.
  if (::access(state.refusal_path.c_str(), F_OK) == 0) {
    if (auto refusal = state.store.read_refusal()) return fail({refusal->code, refusal->message});
  }
  if (!entry.machine.ok()) return fail(entry.machine.error());
  const bool site_file = !entry.view->site_id.empty();
  if (site_file) {
    if (auto status = check_site(*entry.view, Impl::presented_site(state, options)); !status.ok()) {
      return fail(status.error());
    }
  }
  if (auto status = entry.clock->observe(now); !status.ok()) return fail(status.error());
  if (auto status = check_terms(entry.view->license, !site_file, options, now, result.in_grace_);
      !status.ok()) {
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
