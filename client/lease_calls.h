// What checking a seat out and borrowing one share on the client's side: the
// signed LEASE REQUEST, the server to send to, and the MAC'd calls a holder
// makes with the lease's secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nodelock/activation/document.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/client/floating.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/crypto.h"

namespace nodelock {

// A LEASE REQUEST for this machine, unsigned; with `borrow_days`, one that
// borrows the seat, carrying the machine's fingerprint. invalid_key before
// anything else when the key is mistyped.
[[nodiscard]] Result<LeaseRequest> make_lease_request(
    const LeaseOptions& options, std::string_view typed_key, const std::string& product,
    const crypto::SigningKey& device_key, std::optional<std::int64_t> borrow_days,
    const nlohmann::json& fields, nlohmann::json& error_details);

// A seat asked of options' server: a LEASE REQUEST for this machine (with
// `borrow_days`, one that borrows), signed with the store's device key and
// posted to POST /v1/leases or /v1/leases/borrow beside `fields` (a place in
// the seat queue); a refusal's details go to `error_details`.
struct SeatAnswer {
  LeaseRequest request;   // as sent
  nlohmann::json answer;  // the server's 201 body
  TrustedKeys trusted;    // the vendor keys its LEASE or BORROW must be signed with
  std::string server_url;
};
[[nodiscard]] Result<SeatAnswer> ask_for_seat(const LeaseOptions& options,
                                              std::string_view typed_key,
                                              const std::string& product,
                                              std::optional<std::int64_t> borrow_days,
                                              const nlohmann::json& fields,
                                              nlohmann::json& error_details);

// The server of options, or `held_url` (where the seat was taken) when
// options name none.
[[nodiscard]] Result<ServerClient> connect_for(const LeaseOptions& options,
                                               const std::string& held_url);

// Posts `call` for the lease with `sequence` and its MAC under `secret`
// (base64). The caller saves the sequence first, so a crash never reuses one.
[[nodiscard]] Result<nlohmann::json> post_lease_call(const ServerClient& server, LeaseCall call,
                                                     const std::string& lease_id,
                                                     const std::string& secret,
                                                     std::int64_t sequence);

}  // namespace nodelock
