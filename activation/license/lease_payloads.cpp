// The floating documents: LEASE REQUEST, LEASE and BORROW, and the MAC of the
// calls a lease's holder makes.
#include <utility>

#include "nodelock/activation/payloads.h"
#include "payload_fields.h"

namespace nodelock {
namespace {

std::string_view call_name(LeaseCall call) {
  switch (call) {
    case LeaseCall::heartbeat:
      return "heartbeat";
    case LeaseCall::release:
      return "release";
    case LeaseCall::return_borrow:
      return "return";
  }
  return "release";
}

// The seat scope a lease or borrow names.
SeatScope read_scope(FieldReader& in, const char* document) {
  const auto scope = seat_scope_from_name(in.string("scope"));
  if (!in.failed() && !scope)
    in.fail("the " + std::string(document) + " has an unknown seat scope");
  return scope.value_or(SeatScope::device);
}

// The optional "borrow" object of a lease request.
void read_borrow_asked(FieldReader& in, std::optional<BorrowAsked>& out) {
  const nlohmann::json* json = in.optional_object("borrow");
  if (json == nullptr) return;
  FieldReader fields(*json, "borrow in the lease request");
  BorrowAsked asked;
  asked.days = fields.integer("days");
  read_fingerprint(fields, "fingerprint", asked.fingerprint);
  if (Status read = fields.finish(); !read.ok()) return in.fail(read.message());
  out = std::move(asked);
}

// The members a LEASE and a BORROW share: which seat of which license is
// held, by whom, from when until when.
template <class SeatDocument>
nlohmann::json seat_payload(const SeatDocument& held, const char* type) {
  nlohmann::json payload = {
      {"v", 1},
      {"type", type},
      {"lease_id", held.lease_id},
      {"license_id", held.license_id},
      {"product", held.product},
      {"licensee", held.licensee},
      {"features", held.features},
      {"scope", seat_scope_name(held.scope)},
      {"seat", held.seat},
      {"machine_id", held.machine_id},
      {"device_public_key", base64_key(held.device_public_key)},
      {"request_nonce", held.request_nonce},
      {"issued_at", held.issued_at},
      {"expires_at", held.expires_at},
  };
  if (held.user) payload["user"] = *held.user;
  if (held.project) payload["project"] = *held.project;
  return payload;
}

template <class SeatDocument>
void read_seat(FieldReader& in, const char* type, SeatDocument& held) {
  read_header(in, type);
  held.lease_id = in.string("lease_id");
  held.license_id = in.string("license_id");
  held.product = in.string("product");
  held.licensee = in.string("licensee");
  held.features = in.string_list("features");
  held.scope = read_scope(in, type);
  held.seat = in.string("seat");
  held.user = in.optional_string("user");
  held.project = in.optional_string("project");
  held.machine_id = in.string("machine_id");
  held.device_public_key = in.public_key("device_public_key");
  held.request_nonce = in.string("request_nonce");
  held.issued_at = in.integer("issued_at");
  held.expires_at = in.integer("expires_at");
}

}  // namespace

crypto::Digest lease_call_mac(crypto::ByteView secret, LeaseCall call, std::string_view lease_id,
                              std::int64_t sequence) {
  const std::string message = "nodelock-lease-v1 " + std::string(call_name(call)) + "\n" +
                              std::string(lease_id) + "\n" + std::to_string(sequence);
  return crypto::hmac_sha256(secret, message);
}

nlohmann::json to_payload(const LeaseRequest& request) {
  nlohmann::json payload = {
      {"v", 1},
      {"type", "lease_request"},
      {"key", request.key},
      {"product", request.product},
      {"machine_id", request.machine_id},
      {"device_public_key", base64_key(request.device_public_key)},
      {"hostname", request.hostname},
      {"nonce", request.nonce},
      {"created_at", request.created_at},
      {"client_version", request.client_version},
  };
  if (request.user) payload["user"] = *request.user;
  if (request.project) payload["project"] = *request.project;
  if (request.borrow) {
    payload["borrow"] = {{"days", request.borrow->days},
                         {"fingerprint", fingerprint::to_json(request.borrow->fingerprint)}};
  }
  return payload;
}

Result<LeaseRequest> lease_request_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "lease request");
  LeaseRequest request;
  read_header(in, "lease_request");
  request.key = in.string("key");
  request.product = in.string("product");
  request.machine_id = in.string("machine_id");
  request.device_public_key = in.public_key("device_public_key");
  read_hostname(in, request.hostname);
  read_user(in, request.user, "lease request");
  request.project = in.optional_string("project");
  request.nonce = in.string("nonce");
  request.created_at = in.integer("created_at");
  request.client_version = in.string("client_version");
  read_borrow_asked(in, request.borrow);
  if (auto status = in.finish(); !status.ok()) return status.error();
  return request;
}

nlohmann::json to_payload(const Lease& lease) {
  nlohmann::json payload = seat_payload(lease, "lease");
  payload["heartbeat_seconds"] = lease.heartbeat_seconds;
  payload["overage"] = lease.overage;
  return payload;
}

Result<Lease> lease_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "lease");
  Lease lease;
  read_seat(in, "lease", lease);
  lease.heartbeat_seconds = in.integer("heartbeat_seconds");
  lease.overage = in.boolean("overage");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return lease;
}

nlohmann::json to_payload(const Borrow& borrow) {
  nlohmann::json payload = seat_payload(borrow, "borrow");
  payload["fingerprint"] = fingerprint::to_json(borrow.fingerprint);
  payload["match_policy"] = fingerprint::to_json(borrow.match_policy);
  return payload;
}

Result<Borrow> borrow_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "borrow");
  Borrow borrow;
  read_seat(in, "borrow", borrow);
  read_fingerprint(in, "fingerprint", borrow.fingerprint);
  read_match_policy(in, borrow.match_policy);
  if (auto status = in.finish(); !status.ok()) return status.error();
  return borrow;
}

}  // namespace nodelock
