#include "nodelock/client/floating.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "lease_calls.h"
#include "nodelock/activation/document.h"
#include "nodelock/activation/json_fields.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/file_io.h"

namespace nodelock {
namespace {

constexpr std::size_t kMaxLeaseFile = 128 * 1024;

std::filesystem::path lease_path(const LocalStore& store) {
  return store.directory() / "lease.json";
}

Status save_held_lease(const LocalStore& store, const HeldLease& held) {
  std::error_code ignored;
  std::filesystem::create_directories(store.directory(), ignored);
  const nlohmann::json file = {{"server_url", held.server_url}, {"key", held.key},
                               {"lease", held.armored},         {"secret", held.secret},
                               {"sequence", held.sequence},     {"expires_at", held.expires_at}};
  return write_file_atomic(lease_path(store), file.dump());
}

Status forget_held_lease(const LocalStore& store) {
  std::error_code error;
  std::filesystem::remove(lease_path(store), error);
  if (!error) return {};
  return make_error(ErrorCode::io_error,
                    "cannot remove " + lease_path(store).string() + ": " + error.message());
}

// The LEASE in `armored`, if a trusted key signed it.
Result<Lease> open_lease(std::string_view armored, const TrustedKeys& trusted) {
  auto document = open_document(armored, DocumentType::lease, trusted);
  if (!document.ok()) return document.error();
  return lease_from_payload(document->payload());
}

// Sends `call` for the held lease with the next sequence, saved before it
// leaves so a crash never makes the client reuse one.
Result<nlohmann::json> send_call(const LocalStore& store, const ServerClient& server,
                                 HeldLease& held, LeaseCall call) {
  held.sequence += 1;
  if (Status saved = save_held_lease(store, held); !saved.ok()) return saved.error();
  auto answer = post_lease_call(server, call, held.lease.lease_id, held.secret, held.sequence);
  if (!answer.ok() && answer.code() == ErrorCode::lease_ended) (void)forget_held_lease(store);
  return answer;
}

// One check-out, with `queue`'s fields (a place in the license's queue) in
// the body; a refusal's details go to `details`.
Result<HeldLease> check_out_with(const LeaseOptions& options, std::string_view typed_key,
                                 const std::string& product, const nlohmann::json& queue,
                                 nlohmann::json& details) {
  auto asked = ask_for_seat(options, typed_key, product, std::nullopt, queue, details);
  if (!asked.ok()) return asked.error();
  FieldReader in(asked->answer, "lease answer");
  HeldLease held;
  held.armored = in.string("lease");
  held.secret = in.string("secret");
  held.expires_at = in.integer("expires_at");
  // A lease this machine already held comes back with the sequence its calls
  // reached; the next call must go above it.
  held.sequence = in.optional_integer("sequence").value_or(0);
  if (in.failed())
    return make_error(ErrorCode::server_error, "The server's answer holds no lease.");
  auto lease = open_lease(held.armored, asked->trusted);
  if (!lease.ok()) return lease.error();
  const LeaseRequest& request = asked->request;
  if (lease->request_nonce != request.nonce || lease->product != product ||
      lease->device_public_key != request.device_public_key) {
    return make_error(ErrorCode::tampered,
                      "the server's lease does not answer this machine's request; it was not "
                      "kept");
  }
  held.lease = std::move(*lease);
  held.server_url = asked->server_url;
  held.key = request.key;
  if (Status saved = save_held_lease(LocalStore(options.store_root, product), held); !saved.ok()) {
    return saved.error();
  }
  return held;
}

// The place a refusal gives in the license's queue, if it gives one.
std::optional<std::pair<std::string, SeatQueuePlace>> queue_place_of(
    const nlohmann::json& details) {
  if (!details.contains("queue") || !details["queue"].is_object()) return std::nullopt;
  FieldReader in(details["queue"], "queue ticket");
  const std::string ticket = in.string("ticket");
  SeatQueuePlace place;
  place.position = static_cast<int>(in.integer("position"));
  place.waiting = static_cast<int>(in.integer("waiting"));
  place.poll_seconds =
      static_cast<int>(std::clamp<std::int64_t>(in.integer("poll_seconds"), 1, 60));
  if (in.failed()) return std::nullopt;
  return std::pair{ticket, place};
}

}  // namespace

Result<HeldLease> check_out_lease(const LeaseOptions& options, std::string_view typed_key,
                                  const std::string& product) {
  nlohmann::json details;
  return check_out_with(options, typed_key, product, nlohmann::json::object(), details);
}

Result<HeldLease> wait_for_lease(const LeaseOptions& options, std::string_view typed_key,
                                 const std::string& product, const LeaseWait& wait) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(wait.timeout_seconds);
  std::optional<std::string> ticket;
  SeatQueuePlace shown;
  for (;;) {
    nlohmann::json queue = {{"queue", true}};
    if (ticket) queue["ticket"] = *ticket;
    nlohmann::json details;
    auto held = check_out_with(options, typed_key, product, queue, details);
    if (held.ok() || held.code() != ErrorCode::seats_exhausted) return held;
    auto place = queue_place_of(details);
    // The queue is full, the server keeps none, or this refusal does not
    // wait for a seat (the message says why): the refusal as it is.
    if (!place) return held;
    ticket = place->first;
    if (place->second.position != shown.position || place->second.waiting != shown.waiting) {
      shown = place->second;
      if (wait.on_place) wait.on_place(shown);
    }
    const Clock::time_point now = Clock::now();
    Clock::duration pause = std::chrono::seconds(place->second.poll_seconds);
    if (wait.timeout_seconds > 0) {
      if (now >= deadline) {
        return make_error(ErrorCode::seats_exhausted,
                          "No floating seat of " + product + " came free within " +
                              std::to_string(wait.timeout_seconds) + " seconds; this machine was " +
                              std::to_string(shown.position) + " of " +
                              std::to_string(shown.waiting) + " in the queue and has left it. " +
                              held.message());
      }
      pause = std::min(pause, deadline - now);
    }
    std::this_thread::sleep_for(pause);
  }
}

Result<HeldLease> read_held_lease(const std::filesystem::path& store_root,
                                  const std::string& product) {
  const LocalStore store(store_root, product);
  if (!std::filesystem::exists(lease_path(store))) {
    return make_error(ErrorCode::not_found, "no floating lease is held for " + product +
                                                "; check one out with `nodelock lease checkout`");
  }
  auto text = read_file(lease_path(store), kMaxLeaseFile);
  if (!text.ok()) return text.error();
  auto file = nlohmann::json::parse(*text, nullptr, false);
  if (!file.is_object()) file = nlohmann::json::object();
  FieldReader in(file, "lease file");
  HeldLease held;
  held.server_url = in.string("server_url");
  held.key = in.optional_string("key").value_or("");
  held.armored = in.string("lease");
  held.secret = in.string("secret");
  held.sequence = in.integer("sequence");
  held.expires_at = in.integer("expires_at");
  if (Status read = in.finish(); !read.ok()) return read.error();
  auto pinned = store.read_vendor_keys();
  if (!pinned.ok()) return pinned.error();
  auto lease = open_lease(held.armored, TrustedKeys(*pinned));
  if (!lease.ok()) return lease.error();
  held.lease = std::move(*lease);
  return held;
}

Result<HeldLease> renew_lease(const LeaseOptions& options, const std::string& product) {
  const LocalStore store(options.store_root, product);
  auto held = read_held_lease(options.store_root, product);
  if (!held.ok()) return held.error();
  auto server = connect_for(options, held->server_url);
  if (!server.ok()) return server.error();
  auto answer = send_call(store, *server, *held, LeaseCall::heartbeat);
  if (!answer.ok()) return answer.error();
  held->expires_at = answer->value("expires_at", held->expires_at);
  if (Status saved = save_held_lease(store, *held); !saved.ok()) return saved.error();
  return held;
}

Status release_lease(const LeaseOptions& options, const std::string& product) {
  const LocalStore store(options.store_root, product);
  auto held = read_held_lease(options.store_root, product);
  if (!held.ok()) return held.error();
  auto server = connect_for(options, held->server_url);
  if (!server.ok()) return server.error();
  auto answer = send_call(store, *server, *held, LeaseCall::release);
  if (!answer.ok()) return answer.error();
  return forget_held_lease(store);
}

}  // namespace nodelock
