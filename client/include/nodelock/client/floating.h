// Floating seats from the client's side: checking a lease out of a
// nodelock-server, renewing it with heartbeats and giving it back.
//
// The lease held is kept in the local store beside the product's other files,
// as <store>/<product>/lease.json (0600, since it holds the lease's secret),
// so `nodelock lease heartbeat` and `release` in later processes find it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/activation/payloads.h"
#include "nodelock/client/server_client.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct LeaseOptions {
  ServerOptions server;              // url may be empty after check-out: the lease's
  std::filesystem::path store_root;  // empty: LocalStore::default_root()
  std::filesystem::path sysroot;     // empty: this machine
  // Vendor keys the lease must be signed with; empty: those pinned, or on
  // first contact those the server publishes.
  std::vector<crypto::PublicKey> vendor_keys;
  std::optional<std::string> user;     // as typed; normalised before sending
  std::optional<std::string> project;  // for a license that counts seats per project
};

struct HeldLease {
  Lease lease;          // the vendor-signed LEASE, verified
  std::string armored;  // as the server sent it
  std::string server_url;
  // The license key it was checked out with, so `nodelock lease borrow` can
  // borrow on the same license; empty in a lease file of an older client.
  std::string key;
  std::string secret;           // base64 of the lease's heartbeat secret
  std::int64_t sequence = 0;    // of the last heartbeat or release sent
  std::int64_t expires_at = 0;  // as the server last confirmed it
};

// Checks a seat out for this machine. Errors: invalid_key (before any round
// trip), those of the server (seats_exhausted lists who holds the seats),
// tampered or unknown_signer when the answer is not a LEASE for this request.
[[nodiscard]] Result<HeldLease> check_out_lease(const LeaseOptions& options,
                                                std::string_view typed_key,
                                                const std::string& product);

// A place in a license's queue for a floating seat.
struct SeatQueuePlace {
  int position = 0;      // 1: the next seat that comes free is this machine's
  int waiting = 0;       // machines in the queue, this one included
  int poll_seconds = 0;  // how often the server wants to hear from a waiter
};

struct LeaseWait {
  int timeout_seconds = 0;  // 0: wait until a seat comes free
  // Called when the machine is queued and whenever its place changes.
  std::function<void(const SeatQueuePlace&)> on_place;
};

// Checks a seat out like check_out_lease; when every seat is held, keeps this
// machine's place in the license's queue (polling as often as the server
// asks) until the seat that comes free is its turn. Errors: those of
// check_out_lease, and seats_exhausted when `timeout_seconds` passed first
// (the message says the place it had).
[[nodiscard]] Result<HeldLease> wait_for_lease(const LeaseOptions& options,
                                               std::string_view typed_key,
                                               const std::string& product, const LeaseWait& wait);

// Renews the lease held in the store. lease_ended when the server no longer
// holds it (expired, released or forced off); the stored lease is then removed.
[[nodiscard]] Result<HeldLease> renew_lease(const LeaseOptions& options,
                                            const std::string& product);

// Gives the lease held in the store back and removes it from the store.
[[nodiscard]] Status release_lease(const LeaseOptions& options, const std::string& product);

// The lease held in the store; not_found when there is none.
[[nodiscard]] Result<HeldLease> read_held_lease(const std::filesystem::path& store_root,
                                                const std::string& product);

}  // namespace nodelock
