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
  request.hostname = in.string("hostname");
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
  nlohmann::json payload = {
      {"v", 1},
      {"type", "lease"},
      {"lease_id", lease.lease_id},
      {"license_id", lease.license_id},
      {"product", lease.product},
      {"licensee", lease.licensee},
      {"features", lease.features},
      {"scope", seat_scope_name(lease.scope)},
      {"seat", lease.seat},
      {"machine_id", lease.machine_id},
      {"device_public_key", base64_key(lease.device_public_key)},
      {"request_nonce", lease.request_nonce},
      {"issued_at", lease.issued_at},
      {"expires_at", lease.expires_at},
      {"heartbeat_seconds", lease.heartbeat_seconds},
      {"overage", lease.overage},
  };
  if (lease.user) payload["user"] = *lease.user;
  if (lease.project) payload["project"] = *lease.project;
  return payload;
}

Result<Lease> lease_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "lease");
  Lease lease;
  read_header(in, "lease");
  lease.lease_id = in.string("lease_id");
  lease.license_id = in.string("license_id");
  lease.product = in.string("product");
  lease.licensee = in.string("licensee");
  lease.features = in.string_list("features");
  lease.scope = read_scope(in, "lease");
  lease.seat = in.string("seat");
  lease.user = in.optional_string("user");
  lease.project = in.optional_string("project");
  lease.machine_id = in.string("machine_id");
  lease.device_public_key = in.public_key("device_public_key");
  lease.request_nonce = in.string("request_nonce");
  lease.issued_at = in.integer("issued_at");
  lease.expires_at = in.integer("expires_at");
  lease.heartbeat_seconds = in.integer("heartbeat_seconds");
  lease.overage = in.boolean("overage");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return lease;
}

nlohmann::json to_payload(const Borrow& borrow) {
  nlohmann::json payload = {
      {"v", 1},
      {"type", "borrow"},
      {"lease_id", borrow.lease_id},
      {"license_id", borrow.license_id},
      {"product", borrow.product},
      {"licensee", borrow.licensee},
      {"features", borrow.features},
      {"scope", seat_scope_name(borrow.scope)},
      {"seat", borrow.seat},
      {"fingerprint", fingerprint::to_json(borrow.fingerprint)},
      {"match_policy", fingerprint::to_json(borrow.match_policy)},
      {"machine_id", borrow.machine_id},
      {"device_public_key", base64_key(borrow.device_public_key)},
      {"request_nonce", borrow.request_nonce},
      {"issued_at", borrow.issued_at},
      {"expires_at", borrow.expires_at},
  };
  if (borrow.user) payload["user"] = *borrow.user;
  if (borrow.project) payload["project"] = *borrow.project;
  return payload;
}

Result<Borrow> borrow_from_payload(const nlohmann::json& payload) {
  FieldReader in(payload, "borrow");
  Borrow borrow;
  read_header(in, "borrow");
  borrow.lease_id = in.string("lease_id");
  borrow.license_id = in.string("license_id");
  borrow.product = in.string("product");
  borrow.licensee = in.string("licensee");
  borrow.features = in.string_list("features");
  borrow.scope = read_scope(in, "borrow");
  borrow.seat = in.string("seat");
  borrow.user = in.optional_string("user");
  borrow.project = in.optional_string("project");
  read_fingerprint(in, "fingerprint", borrow.fingerprint);
  read_match_policy(in, borrow.match_policy);
  borrow.machine_id = in.string("machine_id");
  borrow.device_public_key = in.public_key("device_public_key");
  borrow.request_nonce = in.string("request_nonce");
  borrow.issued_at = in.integer("issued_at");
  borrow.expires_at = in.integer("expires_at");
  if (auto status = in.finish(); !status.ok()) return status.error();
  return borrow;
}

}  // namespace nodelock
