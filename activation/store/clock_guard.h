// Notices a system clock set back to stretch an expiring license.
//
// Each check remembers the latest time it has seen, MACed so that editing the
// file is noticed; a later check whose clock is more than the tolerance behind
// that time is refused. Deleting the file only falls back to the license's own
// signed issue time, which is a floor no one but the vendor can move.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

class ClockGuard {
 public:
  // A clock behind by less than this is accepted: a dual-boot machine whose
  // other system keeps local time in the hardware clock is off by up to 14 h.
  static constexpr std::int64_t kToleranceSeconds = 24 * 3600;

  // Where the store keeps its clock record and the key that MACs it: the
  // store directory keyed by the device key when this process can read it,
  // else a per-user state directory with its own secret.
  static ClockGuard for_store(const std::filesystem::path& store_directory,
                              const std::string& product);

  // clock_rollback when `now` is behind the remembered time by more than the
  // tolerance; tampered when the record was edited. Remembers `now` when it is
  // later than the record (at most one write every few minutes). Not safe to
  // call from several threads at once: the caller serialises.
  [[nodiscard]] Status observe(std::int64_t now);

  // Starts the record afresh at `server_time`, keyed by the store's current
  // device key. Only for the issue time of a LICENSE whose vendor signature
  // was just verified: the server's clock, not this machine's, then says what
  // time it is. This is what lets a check-in clear a mark left by a clock
  // that ran ahead, and a reactivation (a new device key) replace the record
  // its old key made; a user cannot move the mark earlier than a time the
  // vendor signed.
  [[nodiscard]] Status restart_at(std::int64_t server_time);

 private:
  ClockGuard(std::filesystem::path record, crypto::Digest key);
  std::string mac_of(std::int64_t time) const;
  Status write_record(std::int64_t time);
  // The time a record's text vouches for, or nothing when its MAC does not hold.
  std::optional<std::int64_t> verified_time(const std::string& text) const;

  std::filesystem::path record_;
  crypto::Digest key_;
  // The record is re-read on every observe, but parsed and its MAC checked
  // only when its bytes differ from the last ones that held: a MAC verified
  // over these exact bytes with this key verifies again, so reusing the time
  // it vouched for is exactly as strong and costs a compare.
  std::string known_text_;
  std::int64_t known_time_ = 0;
  bool known_ = false;
  std::string read_buffer_;
};

}  // namespace nodelock
