// Binding a license to a dongle, and proving the dongle is plugged in.
//
// At activation:
//   auto binding = nodelock::dongle::enrol();                 // the one dongle present
//   license["dongle"] = nodelock::dongle::to_json(*binding);   // binding_json.h
// In the application:
//   nodelock::dongle::ProofCache dongle{*binding};
//   if (auto proof = dongle.check(); !proof.ok()) refuse(proof.message());
//
// NLDG dongles are bound by their Ed25519 public key. Each proof sends a fresh
// random 32-byte challenge and verifies the signature with the bound key, so a
// recorded answer is worth nothing and a dongle that reports the right key but
// does not hold it fails.
//
// YubiKeys share a secret with nobody but themselves, so the host cannot check
// an answer to a fresh challenge. They are bound by a random enrolment challenge
// kept in the license and HMAC-SHA256(salt, their answer to it); each proof
// sends the enrolment challenge again and compares the salted hash. The answer
// itself never appears in the license. This is weaker than NLDG: whoever once
// recorded the answer on the wire can replay it through a device of their own.
// docs/dongle-protocol.md says so to vendors choosing a family.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"
#include "nodelock/dongle/dongle.h"

namespace nodelock::dongle {

struct NldgBinding {
  crypto::PublicKey public_key;
};

inline constexpr std::size_t yubikey_challenge_size = 64;
inline constexpr std::size_t yubikey_salt_size = 16;

struct YubiKeyBinding {
  std::array<std::uint8_t, yubikey_challenge_size> challenge{};
  std::array<std::uint8_t, yubikey_salt_size> salt{};
  crypto::Digest response_hash;  // HMAC-SHA256(salt, the 20-byte answer)
};

struct DongleBinding {
  std::variant<NldgBinding, YubiKeyBinding> key;

  Family family() const { return key.index() == 0 ? Family::nldg : Family::yubikey; }
  // "the NLDG dongle with key id 1a2b3c4d5e6f7a8b", "the YubiKey enrolled with
  // challenge 0f1e2d3c": names the dongle in messages without secrets.
  std::string describe() const;

  friend bool operator==(const DongleBinding& a, const DongleBinding& b);
  friend bool operator!=(const DongleBinding& a, const DongleBinding& b) { return !(a == b); }
};

struct EnrolOptions {
  DeviceOptions device;
  // Which dongle, when several are plugged in: its serial as `nodelock dongle
  // list` shows it. Empty: the only dongle that answers.
  std::string serial;
};

// Binds to the dongle plugged in now. NLDG: reads its public key and checks it
// signs a fresh challenge with it. YubiKey: sends a fresh random challenge to
// slot 2 and keeps the salted hash of the answer. Errors: dongle_missing (none
// answers, with what was found and why), conflict (several answer and no serial
// chose one), forbidden (no permission to open it: names the udev rule), and
// those of prove().
[[nodiscard]] Result<DongleBinding> enrol(const EnrolOptions& options = {});

// A successful check that the bound dongle is plugged in.
struct DongleProof {
  Family family = Family::nldg;
  std::string serial;  // of the dongle that answered
  std::chrono::steady_clock::time_point proven_at;
};

// Finds the bound dongle among the allow-listed devices and has it answer.
// Errors, each with a message for people:
//   dongle_missing  no allow-listed dongle, or only others than the bound one
//                   (another vendor's, another customer's, a YubiKey whose
//                   answer differs from the enrolled one)
//   tampered        the dongle with the bound key answered with a signature
//                   that does not verify (a replayed answer, a fake)
//   io_error        the dongle stalled, timed out, answered short or was
//                   unplugged during the exchange
//   forbidden       no permission to open it (names the udev rule to install)
[[nodiscard]] Result<DongleProof> prove(const DongleBinding& binding,
                                        const DeviceOptions& options = {});

// How long a Verifier trusts a proof before asking the dongle again.
inline constexpr std::chrono::milliseconds default_proof_lifetime{10000};

// prove() at most once per `lifetime`, for an application that checks its
// license often: a busy application does not talk USB on every check, while a
// pulled dongle is noticed within `lifetime`. Only successes are kept, so a
// dongle plugged in is noticed at the next check. Thread-safe; concurrent
// checks after expiry wait for one proof.
class ProofCache {
 public:
  explicit ProofCache(DongleBinding binding, DeviceOptions options = {},
                      std::chrono::milliseconds lifetime = default_proof_lifetime);
  ProofCache(ProofCache&&) noexcept;
  ProofCache& operator=(ProofCache&&) noexcept;
  ~ProofCache();

  [[nodiscard]] Result<DongleProof> check() const;
  const DongleBinding& binding() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nodelock::dongle
