// The license store on this machine: what an activation leaves behind.
//
// One directory per product under the store's root:
//
//   <root>/<product>/license.nllic      the vendor-signed LICENSE (armored)
//   <root>/<product>/device.key         the device's Ed25519 key (PKCS#8 PEM, 0600)
//   <root>/<product>/activation.json    server URL, key and ids for refresh (0600)
//   <root>/<product>/check-in.json      the server's last check-in receipt (0600)
//   <root>/<product>/vendor-keys.json   vendor public keys pinned at first activation
//   <root>/<product>/pending.nlreq      an offline request awaiting its response
//   <root>/<product>/refusal.json       the server's last word when it suspended or
//                                       revoked this activation
//   <root>/<product>/borrow.nlborrow    a floating seat borrowed for offline use: the
//                                       vendor-signed BORROW (armored, 0600)
//   <root>/<product>/clock.json         the latest time a check saw, MACed with the
//                                       device key (0600); kept by deactivation and
//                                       started again at the signed issue time of
//                                       each LICENSE installed (docs/SUPPORT.md)
//   <root>/site-id                      the site this machine belongs to, which a
//                                       SITE LICENSE must name (every product's)
//
// The license file holds a LICENSE, or a SITE LICENSE installed from a site
// license file, which has no activation record; its device key only keys the
// clock record.
//
// Every write is atomic (see write_file_atomic): a crash leaves the old file or
// the new one. The license is written last, so a license is never present
// without the device key it is bound to.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

// What the client needs to talk to the server about this activation again.
struct ActivationRecord {
  std::string server_url;
  std::string license_key;
  std::string license_id;
  std::string activation_id;
  // The CA file (an absolute path) the server's certificate was verified
  // against at activation (--ca), used again when a later command gives none;
  // empty: the system's trusted certificates.
  std::string ca_file;
};

// Why the server refused this activation at its last check-in.
struct Refusal {
  // suspended, revoked, or not_activated for a seat the server freed (reclaimed
  // after no check-ins, or released by the license holder)
  ErrorCode code = ErrorCode::revoked;
  std::string message;
};

// The check-in history this machine keeps so the server can tell it from a
// copy of its disk (CheckInHistory in payloads.h).
struct CheckInState {
  std::int64_t counter = 0;  // the number the server gave with `receipt`
  std::string receipt;
  // The nonce of the check-in sent last, until its answer arrives.
  std::optional<std::string> unanswered;
};

class LocalStore {
 public:
  // Where activations are written: the per-machine root for root, otherwise
  // the per-user root, $XDG_DATA_HOME/nodelock (~/.local/share/nodelock).
  // NODELOCK_STORE overrides both.
  static std::filesystem::path default_root();
  // The per-machine root, which an installer running as root activates into
  // and every user reads: /var/lib/nodelock, or NODELOCK_MACHINE_STORE for a
  // package that keeps it elsewhere.
  static std::filesystem::path machine_root();
  // Where a license is looked for, in order: NODELOCK_STORE alone when set;
  // else the per-user root, then the per-machine root (root: that one alone).
  static std::vector<std::filesystem::path> search_roots();
  // The first of search_roots() that holds a license or a borrowed seat of
  // `product`; not_activated, naming every place looked in, when none does.
  static Result<std::filesystem::path> root_for(const std::string& product);

  // The products that have a directory under `root`, sorted; none when the
  // root does not exist yet. `root` empty: those under any of search_roots().
  static std::vector<std::string> products_in(const std::filesystem::path& root);

  // `root` empty: default_root(). Nothing is touched until a read or write.
  LocalStore(std::filesystem::path root, std::string product);

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path license_path() const;
  std::filesystem::path device_key_path() const;
  // read_refusal() reads this file alone: a caller may look for it before
  // paying for a parse.
  std::filesystem::path refusal_path() const;
  std::filesystem::path site_id_path() const;
  // Where `nodelock lease borrow` keeps its BORROW and the Verifier looks for
  // one when no license is installed.
  std::filesystem::path borrow_path() const;
  // A larger file is not a license.
  static constexpr std::size_t kMaxLicenseSize = 64 * 1024;
  // A larger file is not a site id.
  static constexpr std::size_t kMaxSiteIdFileSize = 256;
  // The site id a site-id file's text holds: the text without white space
  // around it (a file written with `echo acme-hq > site-id` holds "acme-hq").
  static std::string_view site_id_in(std::string_view text);

  bool has_license() const;
  // not_activated when there is no license; io_error when it cannot be read.
  Result<std::string> read_license() const;
  Result<crypto::SigningKey> read_device_key() const;
  Result<ActivationRecord> read_record() const;
  // An empty list when none were pinned yet.
  Result<std::vector<crypto::PublicKey>> read_vendor_keys() const;
  std::optional<Refusal> read_refusal() const;
  Result<std::string> read_pending_request() const;
  // nullopt when none is kept (an older installation, an offline activation)
  // or the file is damaged: the next check-in then carries no history.
  std::optional<CheckInState> read_check_in_state() const;
  // The site id this machine presents; empty when none was set.
  Result<std::string> read_site_id() const;

  // The device key of the next request: the stored one, or a fresh one saved
  // (0600) before any request leaves the machine.
  Result<crypto::SigningKey> device_key_for_request() const;
  Status save_vendor_keys(const std::vector<crypto::PublicKey>& keys) const;
  Status save_pending_request(const std::string& armored) const;
  // Installs a license and its record; clears a pending request and a refusal.
  Status save_activation(const std::string& license, const ActivationRecord& record) const;
  Status save_refusal(const Refusal& refusal) const;
  Status save_check_in_state(const CheckInState& state) const;
  // `site_id` must be is_identifier(); invalid_argument otherwise.
  Status save_site_id(std::string_view site_id) const;
  // Installs a SITE LICENSE; clears a refusal.
  Status save_site_license(const std::string& license) const;
  // Destroys the license, the device key, the record, the check-in state and a
  // pending request
  // (deactivation): a response to that request could no longer be used. The
  // license goes first: whatever happens after, it is no longer usable.
  Status remove_activation() const;

 private:
  Status ensure_directory() const;

  std::filesystem::path directory_;
  std::filesystem::path root_;
};

}  // namespace nodelock
