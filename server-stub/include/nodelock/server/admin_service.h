// The admin service: what vendors and support staff may do with products,
// licenses and admin tokens, and who may do it.
//
// Every call names the caller's role, checked here, not by the transport:
//   viewer   reads products, licenses and activations;
//   support  also suspends, resumes and revokes licenses, and answers the
//            activation requests of air-gapped machines;
//   admin    also creates products, licenses and admin tokens.
// A role too low for a call gets forbidden. A call that changes state names
// its caller's token too, which the audit log records with the change; support
// and admins read that log. Like the activation service it knows nothing of
// HTTP, and may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/crypto/result.h"
#include "nodelock/fingerprint/policy.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/floating_policy.h"
#include "nodelock/server/store.h"

namespace nodelock::server {

// A license as the vendor orders it. The term follows from the fields: an
// expiry makes a subscription, trial days a trial, neither a perpetual license.
struct LicenseOrder {
  std::string product;
  SeatModel model = SeatModel::node_locked;
  int max_activations = 1;
  std::optional<UnixTime> expires_at;
  std::optional<int> trial_days;
  int grace_days = 0;
  std::vector<std::string> features;
  std::optional<int> max_version;
  std::optional<UnixTime> maintenance_end;
  std::string licensee;
  int refresh_days = 30;
  std::optional<fingerprint::MatchPolicy> match_policy;  // the standard one when absent
  std::optional<int> max_resets_per_year;     // seats support may reset a year; none: no limit
  std::optional<int> max_transfers_per_year;  // seats support may transfer a year; none: no limit
  int transfer_cooldown_days = 0;  // days before a transferred seat may be transferred again
  int self_service_releases_per_month = 0;  // seats the holder may release in any 30 days
  SiteConstraint site;                      // model site only
  bool site_fields = false;  // the order named a site field, which only a site license takes
  // Floating licenses: max_activations is then the number of concurrent seats.
  // Given for another model, it is refused.
  std::optional<FloatingPolicy> floating;
  // Node-locked licenses: free the seat of a machine silent this long
  // (seat_reclaim.h); none: never.
  std::optional<std::int64_t> reclaim_after_seconds;
};

struct NewLicense {
  License license;
  std::string key;  // the license key: shown once, never stored
};

// The most activations one page lists; a page of a license's activations
// holds 100 unless the caller asks for another size.
inline constexpr int kMaxActivationPage = 1000;

// invalid_argument when `page` asks for fewer than 1 or more than
// kMaxActivationPage activations.
[[nodiscard]] Status check_page_size(const ActivationPageRequest& page);

struct LicenseDetails {
  License license;
  ActivationPage activations;             // the first page, every state, oldest first
  std::vector<std::string> reserved_for;  // users with a reserved floating seat, oldest first
};

// A new admin token: the secret, shown once, and the id that token list,
// token revoke and the audit log name it by.
struct IssuedAdminToken {
  std::string id;  // tok_…
  std::string token;
};

// An authenticated admin token: who the audit log says made a change.
struct AdminCaller {
  std::string token_id;
  AdminRole role = AdminRole::viewer;
};

class AdminService {
 public:
  explicit AdminService(ServiceContext context);

  // The caller holding an admin token. unauthorized when it is unknown or
  // malformed; the message never says which. A refusal is recorded in the
  // audit log with `origin` (where the attempt came from, e.g. an address);
  // with no origin it is not (a source already refused too often, whose
  // attempts must not fill the log).
  [[nodiscard]] Result<AdminCaller> authenticate(std::string_view token,
                                                 std::optional<std::string_view> origin) const;

  [[nodiscard]] Result<Product> create_product(const AdminCaller& caller, Product product) const;
  [[nodiscard]] Result<std::vector<Product>> products(AdminRole caller) const;

  // invalid_argument names the first field out of bounds; not_found when the
  // product does not exist.
  [[nodiscard]] Result<NewLicense> create_license(const AdminCaller& caller,
                                                  const LicenseOrder& order) const;
  // Every license, or one product's when `product` is not empty.
  [[nodiscard]] Result<std::vector<License>> licenses(AdminRole caller,
                                                      std::string_view product) const;
  [[nodiscard]] Result<LicenseDetails> license(AdminRole caller, std::string_view id) const;
  // Suspending and resuming are reversible; revoking is not (conflict).
  [[nodiscard]] Result<License> set_license_state(const AdminCaller& caller, std::string_view id,
                                                  LicenseState state) const;
  // invalid_argument for a limit outside 1..kMaxActivationPage or an unknown `after`.
  [[nodiscard]] Result<ActivationPage> activations(AdminRole caller, std::string_view license_id,
                                                   const ActivationPageRequest& page) const;

  // Sets how many machines the license admits. Support may lower it (seats in
  // use above it stay; new machines are refused until enough are freed); only
  // an admin may raise it (forbidden). invalid_argument, not_found.
  [[nodiscard]] Result<License> set_license_limit(const AdminCaller& caller, std::string_view id,
                                                  int max_activations) const;
  // Sets how many seats the license's holder may release by self-service in
  // any 30 days (SelfService::release). Support may lower it, only an admin
  // raise it (forbidden); conflict for a site license. invalid_argument,
  // not_found.
  [[nodiscard]] Result<License> set_self_service_releases(const AdminCaller& caller,
                                                          std::string_view id,
                                                          int releases_per_month) const;

  // Frees the seat of a lost or replaced machine at once; that machine's next
  // check-in is refused with seat_reset (support). Beyond the license's
  // resets a year the reset is forbidden unless an admin passes `override`.
  // not_found, conflict (the seat is already free).
  [[nodiscard]] Result<Activation> reset_activation(const AdminCaller& caller,
                                                    std::string_view activation_id,
                                                    bool override_limit) const;

  // Moves the seat of a replaced machine to the machine `to_machine_id`
  // (support): the activation ends as transferred, its machine's next
  // check-in is refused with seat_transferred, and the seat is held for the
  // new machine for ServiceContext::transfer_hold_seconds, even when the
  // license is full. Beyond the license's transfers a year, or within its
  // cool-down of the seat's own last transfer, it is forbidden unless an
  // admin passes `override`. invalid_argument (not a machine ID), not_found,
  // conflict (the seat is not active, the machine already has a seat or a
  // held one, or a site license).
  [[nodiscard]] Result<SeatTransfer> transfer_activation(const AdminCaller& caller,
                                                         std::string_view activation_id,
                                                         std::string_view to_machine_id,
                                                         bool override_limit) const;

  // ok when `caller` may submit an activation request carried from an
  // air-gapped machine (ActivationService::activate, RequestChannel::offline).
  [[nodiscard]] Status may_answer_offline_requests(AdminRole caller) const;

  // A new admin token of `role`, returned once, with the id that names it.
  [[nodiscard]] Result<IssuedAdminToken> create_admin_token(const AdminCaller& caller,
                                                            AdminRole role) const;

  // Every admin token (admin only); the hashes are for the store alone.
  [[nodiscard]] Result<std::vector<AdminToken>> admin_tokens(AdminRole caller) const;
  // Withdraws a token at once (admin only). not_found; conflict for the last
  // admin token, which would leave nobody able to make another.
  [[nodiscard]] Result<AdminToken> revoke_admin_token(const AdminCaller& caller,
                                                      std::string_view token_id) const;

  // The audit log's entries made from `from` up to and including `to`, oldest
  // first (support and admin).
  [[nodiscard]] Result<std::vector<AuditEntry>> audit_log(AdminRole caller, UnixTime from,
                                                          UnixTime to) const;

 private:
  // Sets the seats_used of the floating licenses among `licenses` from the
  // leases held on `license_id` ("" for every license): see seats_in_use.h.
  Status count_floating_seats(std::vector<License>& licenses, std::string_view license_id) const;

  ServiceContext context_;
};

// ok when `caller` has at least the `needed` role, forbidden (naming both) otherwise.
[[nodiscard]] Status require_role(AdminRole caller, AdminRole needed);
// ok when `caller` may make a support change, going `beyond` the license's
// allowance (an override) only when it is an admin; forbidden otherwise.
[[nodiscard]] Status require_support(AdminRole caller, bool override_limit,
                                     std::string_view beyond);

// Every check a license order passes (invalid_argument naming the field), made
// here or imported. With `now`, an expiry must be ahead of it; an import keeps
// an expired subscription as it was.
[[nodiscard]] Status check_license_order(const LicenseOrder& order, std::optional<UnixTime> now);
// The license an order makes; its id, key and creation time are the caller's.
License license_of_order(const LicenseOrder& order);

// Makes an admin token of `role` and stores only its SHA-256; returns the token.
// For the first token of a new server, before anyone can authenticate.
[[nodiscard]] Result<IssuedAdminToken> issue_admin_token(Store& store, AdminRole role,
                                                         const ChangedBy& by);

}  // namespace nodelock::server
