// The dongle families as devices, written from their specifications:
// NLDG v1 from docs/dongle-protocol.md, the YubiKey OTP interface from
// Yubico's published frame format. Each model can be told to misbehave the
// ways real devices do, so the tests can prove the host notices.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "emulated_device.h"
#include "nodelock/crypto/crypto.h"

namespace nodelock::dongle::testing {

// An NLDG v1 dongle holding a real Ed25519 key.
class EmulatedNldg final : public EmulatedDevice {
 public:
  enum class Fault {
    none,
    wrong_signature,     // signs with a bit flipped
    replay,              // answers every challenge with its first signature
    stall_sign,          // stalls SIGN like a device that does not know it
    silent_signature,    // never answers READ_SIGNATURE
    unplug_on_read,      // is pulled out during READ_SIGNATURE
    short_signature,     // READ_SIGNATURE gives 40 of 64 bytes
    short_info,          // GET_INFO gives 5 of 8 bytes
    protocol_version_2,  // GET_INFO says version 2
  };

  // `fixture` and `serial` must agree (nldg.umockdev: NLDG-0001-A7,
  // nldg-second.umockdev: NLDG-0002-B3).
  EmulatedNldg(std::string fixture, std::string serial);

  const crypto::PublicKey& public_key() const { return key_.public_key(); }
  void set_fault(Fault fault) { fault_ = fault; }
  int signatures_made() const { return signatures_made_; }
  // Every challenge SIGN received, oldest first.
  std::vector<Bytes> challenges() const;

 protected:
  Answer request(const Setup& setup, const Bytes& data_out) override;

 private:
  Answer sign(const Bytes& challenge);
  Answer read_signature();

  crypto::SigningKey key_;
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<int> signatures_made_{0};
  mutable std::mutex mutex_;
  std::vector<Bytes> challenges_;             // guarded by mutex_
  std::optional<crypto::Signature> pending_;  // handler thread only
  std::optional<crypto::Signature> first_;    // handler thread only
};

// A YubiKey 5 whose slot 2 is programmed for HMAC-SHA1 challenge-response.
class EmulatedYubiKey final : public EmulatedDevice {
 public:
  static constexpr std::uint32_t serial = 9123456;

  // yubikey.umockdev; `secret` is the 20-byte HMAC-SHA1 key of slot 2.
  explicit EmulatedYubiKey(std::array<std::uint8_t, 20> secret);

  // HMAC-SHA1(secret, challenge): what the key answers.
  Bytes expected_response(const Bytes& challenge) const;
  // Slot 2 not programmed: the key refuses challenges.
  void set_slot2_empty(bool empty) { slot2_empty_ = empty; }
  int challenges_answered() const { return challenges_answered_; }

 protected:
  Answer request(const Setup& setup, const Bytes& data_out) override;

 private:
  void take_report(const Bytes& report);
  void run_command();
  Bytes next_report();

  std::array<std::uint8_t, 20> secret_;
  std::atomic<bool> slot2_empty_{false};
  std::atomic<int> challenges_answered_{0};
  // Handler thread only:
  std::array<std::uint8_t, 70> frame_{};
  Bytes answer_;  // answer, CRC trailer and padding, while it is being read
  std::size_t answer_part_ = 0;
  bool answering_ = false;
};

}  // namespace nodelock::dongle::testing
