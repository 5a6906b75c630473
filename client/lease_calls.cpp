#include "lease_calls.h"

#include <ctime>
#include <utility>

#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/license_key.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/encoding.h"
#include "vendor_keys.h"

namespace nodelock {

Result<LeaseRequest> make_lease_request(const LeaseOptions& options, std::string_view typed_key,
                                        const std::string& product,
                                        const crypto::SigningKey& device_key,
                                        std::optional<std::int64_t> borrow_days) {
  auto key = LicenseKey::parse(typed_key);
  if (!key.ok()) return key.error();
  auto machine = this_machine(product, options.sysroot);
  if (!machine.ok()) return machine.error();
  LeaseRequest request;
  request.key = key->text();
  request.product = product;
  request.machine_id = machine->machine_id;
  request.device_public_key = device_key.public_key();
  request.hostname = machine->hostname;
  if (options.user) {
    auto user = license_user_email(*options.user);
    if (!user.ok()) return user.error();
    request.user = std::move(*user);
  }
  request.project = options.project;
  request.nonce = make_nonce();
  request.created_at = static_cast<std::int64_t>(std::time(nullptr));
  request.client_version = std::string(kClientVersion);
  if (borrow_days) request.borrow = BorrowAsked{*borrow_days, machine->fingerprint};
  return request;
}

Result<SeatAnswer> ask_for_seat(const LeaseOptions& options, std::string_view typed_key,
                                const std::string& product, std::optional<std::int64_t> borrow_days,
                                const nlohmann::json& fields, nlohmann::json& error_details) {
  const LocalStore store(options.store_root, product);
  auto server = ServerClient::connect(options.server);
  if (!server.ok()) return server.error();
  auto device_key = store.device_key_for_request();
  if (!device_key.ok()) return device_key.error();
  auto request = make_lease_request(options, typed_key, product, *device_key, borrow_days);
  if (!request.ok()) return request.error();
  auto trusted = trusted_keys(options.vendor_keys, store, *server);
  if (!trusted.ok()) return trusted.error();
  auto armored = seal(DocumentType::lease_request, to_payload(*request), *device_key,
                      {{"Product", product}, {"Machine", request->machine_id}});
  if (!armored.ok()) return armored.error();
  nlohmann::json body = fields;
  body["request"] = *armored;
  auto answer = server->post(borrow_days ? "/v1/leases/borrow" : "/v1/leases", body, error_details);
  if (!answer.ok()) return answer.error();
  return SeatAnswer{std::move(*request), std::move(*answer), std::move(*trusted), server->url()};
}

Result<ServerClient> connect_for(const LeaseOptions& options, const std::string& held_url) {
  ServerOptions server = options.server;
  if (server.url.empty()) server.url = held_url;
  return ServerClient::connect(server);
}

Result<nlohmann::json> post_lease_call(const ServerClient& server, LeaseCall call,
                                       const std::string& lease_id, const std::string& secret,
                                       std::int64_t sequence) {
  auto key = encoding::from_base64(secret);
  if (!key.ok()) {
    return make_error(ErrorCode::malformed, "the stored secret of lease " + lease_id +
                                                " is unreadable; take a seat again");
  }
  const crypto::Digest mac = lease_call_mac(*key, call, lease_id, sequence);
  const char* path = call == LeaseCall::heartbeat ? "/heartbeat"
                     : call == LeaseCall::release ? "/release"
                                                  : "/return";
  return server.post("/v1/leases/" + lease_id + path,
                     {{"sequence", sequence}, {"mac", encoding::base64(mac.bytes)}});
}

}  // namespace nodelock
