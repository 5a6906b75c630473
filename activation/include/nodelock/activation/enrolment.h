// Binding a license to this machine: the steps an online and an offline
// activation share. Making the signed request, and checking and installing the
// license that answers it. No network here; see online.h for the round trip.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "nodelock/activation/document.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/result.h"
#include "nodelock/crypto/version.h"

namespace nodelock {

// The version of nodelock that makes this machine's requests.
inline constexpr std::string_view kClientVersion = NODELOCK_VERSION_STRING;

// This machine as a license sees it, for one product.
struct Machine {
  fingerprint::Fingerprint fingerprint;
  std::string machine_id;
  std::string hostname;
};

// Collects (once per process) the fingerprint of this machine, or of the system
// mounted at `sysroot` when it is not empty.
[[nodiscard]] Result<Machine> this_machine(const std::string& product,
                                           const std::filesystem::path& sysroot = {});

struct SignedRequest {
  ActivationRequest request;
  std::string armored;
};

// Signs an ACTIVATION REQUEST with the store's device key (made and saved 0600
// on first use). `typed_key` is checked and normalised before anything else, so
// a mistyped key never costs a round trip. `dongle` (dongle::enrol()) asks for
// a license bound to that dongle. A refresh carries the binding of the
// installed license instead, whatever `dongle` holds, since the server keeps a
// seat's binding for as long as the seat. `user` names the license user the
// machine is activated for; it is checked and normalised like the key.
// `history` (online refreshes only) is the machine's check-in history.
[[nodiscard]] Result<SignedRequest> make_request(const LocalStore& store, const Machine& machine,
                                                 std::string_view typed_key,
                                                 const std::string& product, RequestPurpose purpose,
                                                 std::optional<std::string> activation_id = {},
                                                 std::optional<dongle::DongleBinding> dongle = {},
                                                 std::optional<std::string> user = {},
                                                 std::optional<CheckInHistory> history = {});

// Checks that `armored` is a LICENSE signed by a trusted vendor key that answers
// `request` (its nonce, product, device key and dongle binding) and fits
// `machine` (with the bound dongle counted in, bound_dongle.h), then installs it
// with `record`, after starting the store's clock record again at the
// license's signed issue time (the server's clock, which replaces a mark left
// by a machine clock that ran ahead or keyed by an earlier device key).
// Nothing is written when any check fails.
[[nodiscard]] Result<License> install_license(const LocalStore& store, std::string_view armored,
                                              const TrustedKeys& trusted,
                                              const ActivationRequest& request,
                                              const Machine& machine,
                                              const ActivationRecord& record);

// ok when a license arriving by file can run at `now`. Refused when it is past
// its expiry and grace days, or past a check-in date (a response made before
// licenses activated by files ran for their whole term): installed, it would
// stop the application at once, on a machine with no server to renew it from.
// The message says how to renew by file; `pending` (the request it answers)
// tells a renewal from a first activation. Errors: expired, needs_refresh.
[[nodiscard]] Status check_runs_once_installed(const License& license,
                                               const ActivationRequest& pending, std::int64_t now);

// A DEACTIVATION RECEIPT for the store's activation, signed with its device
// key; the store is left as it is.
[[nodiscard]] Result<std::string> sign_deactivation_receipt(const LocalStore& store,
                                                            const Machine& machine,
                                                            const std::string& product);

// Ends this machine's activation offline: signs a DEACTIVATION RECEIPT, then
// destroys the local license, device key and record, and returns the receipt
// for support to submit. The license is gone before anyone can present the
// receipt, so a seat is never freed while a usable license for it remains.
[[nodiscard]] Result<std::string> destroy_and_sign_receipt(const LocalStore& store,
                                                           const Machine& machine,
                                                           const std::string& product);

// The refusal of a license for `licensed` installed as product `wanted`.
Error product_mismatch(const std::string& licensed, const std::string& wanted);

// The request a store's pending file or any request file holds, after checking
// its device signature.
[[nodiscard]] Result<ActivationRequest> read_signed_request(std::string_view armored);

}  // namespace nodelock
