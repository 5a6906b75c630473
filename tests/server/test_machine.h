// A simulated machine: a device key and a fingerprint of random component
// hashes, making the signed documents a real installation would send.
#pragma once

#include <optional>
#include <string>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/fingerprint/fingerprint.h"

namespace nodelock::server::testing {

class TestMachine {
 public:
  // A machine with its own cpu, disk, two NICs and machine-id.
  TestMachine();

  // A cloud VM as this kind of host sees itself: a cpu and an image's
  // machine-id, nothing else unique.
  static TestMachine weak_identity();

  // The same machine after its disk was replaced, its license store kept: the
  // standard policy still recognises it.
  TestMachine with_new_disk() const;
  // The same, with the application installed afresh (a new device key): a
  // second installation on a machine the first one's seat matches.
  TestMachine with_new_disk_and_device_key() const;

  std::string activation_request(const std::string& key, const std::string& product,
                                 std::int64_t created_at) const;
  std::string refresh_request(const std::string& key, const std::string& product,
                              const std::string& activation_id, std::int64_t created_at) const;
  std::string deactivation_receipt(const std::string& activation_id, const std::string& license_id,
                                   const std::string& product, std::int64_t created_at) const;

  // A LEASE REQUEST for a floating seat, and the unsigned one for tests that
  // change it before signing.
  std::string lease_request(const std::string& key, const std::string& product,
                            std::int64_t created_at, std::optional<std::string> user = {},
                            std::optional<std::string> project = {}) const;
  // A LEASE REQUEST that borrows the seat for `days`, bound to this
  // machine's fingerprint.
  std::string borrow_request(const std::string& key, const std::string& product,
                             std::int64_t created_at, std::int64_t days) const;
  LeaseRequest unsigned_lease_request(const std::string& key, const std::string& product,
                                      std::int64_t created_at) const;
  std::string sign(const LeaseRequest& request) const;

  // The unsigned request, for tests that sign it wrongly on purpose.
  ActivationRequest request(const std::string& key, const std::string& product,
                            std::int64_t created_at) const;
  std::string sign(const ActivationRequest& request) const;

  const fingerprint::Fingerprint& fingerprint() const { return fingerprint_; }
  const crypto::SigningKey& device_key() const { return device_key_; }

 private:
  TestMachine(fingerprint::Fingerprint fingerprint, crypto::SigningKey device_key);

  fingerprint::Fingerprint fingerprint_;
  crypto::SigningKey device_key_;
};

// Seconds since the epoch now.
std::int64_t unix_now();

}  // namespace nodelock::server::testing
