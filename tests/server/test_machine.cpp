#include "test_machine.h"

#include <ctime>

#include "nodelock/activation/document.h"

namespace nodelock::server::testing {

namespace {

using fingerprint::HashedComponent;
using fingerprint::Kind;

HashedComponent random_component(Kind kind, const std::string& label) {
  HashedComponent component{kind, label, {}};
  crypto::random_bytes(component.hash.data(), component.hash.size());
  return component;
}

fingerprint::Fingerprint random_fingerprint() {
  return fingerprint::Fingerprint(
      {random_component(Kind::cpu, "cpu"), random_component(Kind::disk, "nvme0n1"),
       random_component(Kind::mac, "eth0"), random_component(Kind::mac, "wlan0"),
       random_component(Kind::machine_id, "machine-id")},
      {fingerprint::EnvironmentType::bare_metal, ""});
}

}  // namespace

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

TestMachine::TestMachine() : TestMachine(random_fingerprint(), crypto::SigningKey::generate()) {}

TestMachine::TestMachine(fingerprint::Fingerprint fingerprint, crypto::SigningKey device_key)
    : fingerprint_(std::move(fingerprint)), device_key_(std::move(device_key)) {}

TestMachine TestMachine::weak_identity() {
  return TestMachine(
      fingerprint::Fingerprint(
          {random_component(Kind::cpu, "cpu"), random_component(Kind::machine_id, "machine-id")},
          {fingerprint::EnvironmentType::virtual_machine, "kvm"}),
      crypto::SigningKey::generate());
}

TestMachine TestMachine::with_new_disk() const {
  std::vector<HashedComponent> components;
  for (const HashedComponent& component : fingerprint_.components()) {
    components.push_back(component.kind == Kind::disk ? random_component(Kind::disk, "sda")
                                                      : component);
  }
  return TestMachine(fingerprint::Fingerprint(components, fingerprint_.environment()),
                     crypto::SigningKey::from_seed(device_key_.seed()).value());
}

TestMachine TestMachine::with_new_disk_and_device_key() const {
  return TestMachine(with_new_disk().fingerprint_, crypto::SigningKey::generate());
}

ActivationRequest TestMachine::request(const std::string& key, const std::string& product,
                                       std::int64_t created_at) const {
  ActivationRequest request;
  request.key = key;
  request.product = product;
  request.fingerprint = fingerprint_;
  request.machine_id = fingerprint_.machine_id();
  request.device_public_key = device_key_.public_key();
  request.nonce = make_nonce();
  request.created_at = created_at;
  request.client_version = "0.1.0";
  request.hostname = "workstation";
  return request;
}

std::string TestMachine::sign(const ActivationRequest& request) const {
  return seal(DocumentType::activation_request, to_payload(request), device_key_,
              {{"Product", request.product}, {"Machine", request.machine_id}})
      .value();
}

std::string TestMachine::activation_request(const std::string& key, const std::string& product,
                                            std::int64_t created_at) const {
  return sign(request(key, product, created_at));
}

std::string TestMachine::refresh_request(const std::string& key, const std::string& product,
                                         const std::string& activation_id,
                                         std::int64_t created_at) const {
  ActivationRequest refresh = request(key, product, created_at);
  refresh.purpose = RequestPurpose::refresh;
  refresh.activation_id = activation_id;
  return sign(refresh);
}

std::string TestMachine::deactivation_receipt(const std::string& activation_id,
                                              const std::string& license_id,
                                              const std::string& product,
                                              std::int64_t created_at) const {
  DeactivationReceipt receipt;
  receipt.activation_id = activation_id;
  receipt.license_id = license_id;
  receipt.product = product;
  receipt.machine_id = fingerprint_.machine_id();
  receipt.device_public_key = device_key_.public_key();
  receipt.nonce = make_nonce();
  receipt.created_at = created_at;
  return seal(DocumentType::deactivation_receipt, to_payload(receipt), device_key_, {}).value();
}

LeaseRequest TestMachine::unsigned_lease_request(const std::string& key, const std::string& product,
                                                 std::int64_t created_at) const {
  LeaseRequest request;
  request.key = key;
  request.product = product;
  request.machine_id = fingerprint_.machine_id();
  request.device_public_key = device_key_.public_key();
  request.hostname = "workstation-" + fingerprint_.machine_id().substr(3, 4);
  request.nonce = make_nonce();
  request.created_at = created_at;
  request.client_version = "0.1.0";
  return request;
}

std::string TestMachine::sign(const LeaseRequest& request) const {
  return seal(DocumentType::lease_request, to_payload(request), device_key_,
              {{"Product", request.product}, {"Machine", request.machine_id}})
      .value();
}

std::string TestMachine::lease_request(const std::string& key, const std::string& product,
                                       std::int64_t created_at, std::optional<std::string> user,
                                       std::optional<std::string> project) const {
  LeaseRequest request = unsigned_lease_request(key, product, created_at);
  request.user = std::move(user);
  request.project = std::move(project);
  return sign(request);
}

std::string TestMachine::borrow_request(const std::string& key, const std::string& product,
                                        std::int64_t created_at, std::int64_t days) const {
  LeaseRequest request = unsigned_lease_request(key, product, created_at);
  request.borrow = BorrowAsked{days, fingerprint_};
  return sign(request);
}

}  // namespace nodelock::server::testing
