// The in-app check: "may I run, and with which features?"
//
//   nodelock::Verifier verifier{{vendor_public_key}, "acme.cad"};
//   nodelock::CheckResult result = verifier.check({.app_version = "4.2.0"});
//   if (!result.ok()) { std::cerr << result.message() << '\n'; return 1; }
//   if (result.has_feature("export")) { ... }
//
// Offline and fast: every call re-reads the license file and compares it byte
// for byte with the text whose vendor signature was verified, verifying again
// whenever it differs; the machine's fingerprint is collected once per process,
// and the parsed license is reused while the file is unchanged. Needs no
// network and, on the Crypto++ backend, no OpenSSL. A Verifier may be shared
// by several threads.
//
// A site license file (SITE LICENSE) is bound to a site id instead of a
// fingerprint: it is valid on any machine presenting that site id, in
// CheckOptions::site_id or the store's site-id file, and never checks in.
//
// A floating seat borrowed for offline use (BORROW, `nodelock lease borrow`)
// is checked when no license is installed: bound like a license to the
// machine's fingerprint and to the device key in the store, valid until its
// expiry, and refused as expired after it (the seat must be borrowed again,
// online).
//
// A license bound to a dongle is valid only while that dongle proves itself
// (dongle/binding.h). The proof is kept for VerifierOptions::dongle_proof_lifetime,
// so a busy application talks USB at most that often; a license without a
// dongle never touches USB.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/dongle/binding.h"

namespace nodelock {

enum class LicenseStatus {
  valid,
  not_activated,        // no license installed for this product
  expired,              // the term ended, grace days included
  machine_mismatch,     // the license was activated on another machine
  tampered,             // the license file or store was changed or is not the vendor's
  clock_rollback,       // the clock was set back; correct it and retry
  needs_refresh,        // past the refresh date: `nodelock refresh`, or renew by file
  version_not_covered,  // this version is newer than the license covers
  dongle_missing,       // the license needs its dongle plugged in
  suspended,            // the vendor suspended the license (learnt at the last check-in)
  revoked,              // the activation was revoked or reset by support
  outside_site,         // a site license file for a site this machine does not present
  product_mismatch,     // the installed license is the vendor's, for another of its products
};

// "valid", "not_activated", ...: stable names for scripts and JSON.
std::string_view status_name(LicenseStatus status);

// The major version of an application version as CheckOptions::app_version
// takes it: numbers separated by dots, optionally followed by a semantic
// versioning -PRERELEASE or +BUILD, with an optional leading "v" or "V"
// ("4.2.0", "v4", "4.2.0-rc.1"). invalid_argument for anything else (" 4.2",
// "+4", "-1.0", "abc"): a version that cannot be read must not pass a version
// limit, so check() refuses it too (version_not_covered).
[[nodiscard]] Result<std::int64_t> app_major_version(std::string_view version);

struct CheckOptions {
  // The store's root; empty: the first of LocalStore::search_roots() holding a
  // license of the product (the user's own, then the per-machine store).
  std::filesystem::path store;
  std::string app_version;      // "4.2.0" (app_major_version); empty: no version check
  std::optional<std::int64_t> app_release_time;  // unix time of this build, for
                                                 // maintenance-end licenses
  std::filesystem::path sysroot;                 // empty: this machine
  // A what-if time (unix seconds): the license's terms are judged as they
  // stand then, and nothing is read from or written to the store's clock
  // record, so asking about next month leaves later checks untouched.
  // Empty: now, by VerifierOptions::clock.
  std::optional<std::int64_t> now;
  // The site this machine belongs to, which a site license file must name;
  // empty: the store's site-id file (`nodelock offline install --site-id`).
  std::string site_id;
};

// How a Verifier reaches the dongles licenses may be bound to.
struct VerifierOptions {
  // The USB ids that count as dongles (a vendor adds its own NLDG ids) and the
  // USB timeout.
  dongle::DeviceOptions dongle_devices;
  // How long a successful proof of the bound dongle is trusted before the
  // dongle is asked again: a pulled dongle is noticed within this time.
  std::chrono::milliseconds dongle_proof_lifetime = dongle::default_proof_lifetime;
  // The clock a check takes as the real time (unix seconds): it is compared
  // with and remembered in the store's clock record, which notices a clock
  // set back. Empty: the system clock. An application with a time source it
  // trusts more (a signed time service) may supply it.
  std::function<std::int64_t()> clock;
};

class CheckResult {
 public:
  bool ok() const { return status_ == LicenseStatus::valid; }
  LicenseStatus status() const { return status_; }
  // For people: what happened and what to do.
  const std::string& message() const { return message_; }
  bool has_feature(std::string_view name) const;
  const std::vector<std::string>& features() const;

  // Details of the installed license, when one was readable and genuine.
  const std::string& license_id() const;
  const std::string& licensee() const;
  // The machine ID the license was enrolled with, which the server shows;
  // empty for a site license file.
  const std::string& machine_id() const;
  // This machine's ID now: after a change the policy tolerates (a new disk, a
  // reinstalled OS) it differs from machine_id(), and it is the one
  // `nodelock fingerprint` and request files show. Empty for a site license file.
  const std::string& current_machine_id() const;
  // For people: this machine matches its enrolment with little to spare (one
  // more hardware change would stop the license) and what to do; empty otherwise.
  const std::string& match_warning() const;
  // The site a site license file is bound to; empty for a machine's own license.
  const std::string& site_id() const;
  std::optional<std::int64_t> expires_at() const;
  // When the license must next check in with the server; 0 when it need not
  // before its term ends: a site license file, a borrowed seat, a license
  // activated by files.
  std::int64_t refresh_by() const;
  // Valid, but only thanks to grace days: tell the user to renew or check in.
  bool in_grace() const { return in_grace_; }
  // What was checked is a borrowed floating seat, valid until expires_at().
  bool borrowed() const;
  // The dongle the license is bound to, or null for a license without one.
  const dongle::DongleBinding* dongle() const;
  // The bound dongle proved itself in this check (false when the license was
  // refused before the dongle was asked).
  bool dongle_proven() const { return dongle_proven_; }

  struct LicenseView;  // what the result shows of the license; shared, immutable

 private:
  friend class Verifier;
  LicenseStatus status_ = LicenseStatus::not_activated;
  std::string message_;
  bool in_grace_ = false;
  bool dongle_proven_ = false;
  std::shared_ptr<const LicenseView> license_;
};

class Verifier {
 public:
  Verifier(std::vector<crypto::PublicKey> trusted_vendor_keys, std::string product,
           VerifierOptions options = {});
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;
  ~Verifier();

  [[nodiscard]] CheckResult check(const CheckOptions& options = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nodelock
