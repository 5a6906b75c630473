#include "clock_guard.h"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/key_file.h"

namespace nodelock {
namespace fs = std::filesystem;
namespace {

constexpr std::int64_t kWriteIntervalSeconds = 600;
constexpr fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;

fs::path user_state_directory(const std::string& product) {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
    return fs::path(state) / "nodelock" / product;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    return fs::path(home) / ".local" / "state" / "nodelock" / product;
  }
  return fs::temp_directory_path() / ("nodelock-" + std::to_string(::geteuid())) / product;
}

// The per-user secret, created on first use; without one the record is kept
// unkeyed, which still catches a clock set back but not an edited record.
crypto::Digest user_secret(const fs::path& directory) {
  const fs::path path = directory / "clock.secret";
  if (auto existing = read_file(path, 64); existing.ok() && existing->size() == 32) {
    return crypto::sha256(*existing);
  }
  std::error_code error;
  fs::create_directories(directory, error);
  const crypto::Bytes secret = crypto::random_bytes(32);
  const std::string text(secret.begin(), secret.end());
  if (!write_file_atomic(path, text, kPrivate).ok()) return crypto::Digest{};
  return crypto::sha256(text);
}

}  // namespace

ClockGuard::ClockGuard(fs::path record, crypto::Digest key)
    : record_(std::move(record)), key_(key) {}

ClockGuard ClockGuard::for_store(const fs::path& store_directory, const std::string& product) {
  auto device_key = crypto::read_private_key_file(store_directory / "device.key");
  if (device_key.ok() && ::access(store_directory.c_str(), W_OK) == 0) {
    return ClockGuard(
        store_directory / "clock.json",
        crypto::hmac_sha256(device_key->seed(), std::string_view("nodelock clock v1")));
  }
  const fs::path directory = user_state_directory(product);
  return ClockGuard(directory / "clock.json", user_secret(directory));
}

std::string ClockGuard::mac_of(std::int64_t time) const {
  return encoding::hex(crypto::hmac_sha256(key_.bytes, std::to_string(time)).bytes);
}

std::optional<std::int64_t> ClockGuard::verified_time(const std::string& text) const {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  const bool well_formed = json.is_object() && json.contains("last_seen") &&
                           json["last_seen"].is_number_integer() && json.contains("mac") &&
                           json["mac"].is_string();
  if (!well_formed || !crypto::constant_time_equal(json["mac"].get<std::string>(),
                                                   mac_of(json["last_seen"].get<std::int64_t>()))) {
    return std::nullopt;
  }
  return json["last_seen"].get<std::int64_t>();
}

Status ClockGuard::observe(std::int64_t now) {
  std::int64_t last_seen = 0;
  // A record that cannot be read counts as none: the license's issue time is
  // the floor then (see the header).
  if (read_file_into(record_, 4096, read_buffer_).ok()) {
    if (!known_ || read_buffer_ != known_text_) {
      const auto time = verified_time(read_buffer_);
      if (!time) {
        return make_error(ErrorCode::tampered,
                          "The license store's clock record " + record_.string() +
                              " was changed. Run `nodelock refresh` while online to repair it.");
      }
      known_text_.swap(read_buffer_);
      known_time_ = *time;
      known_ = true;
    }
    last_seen = known_time_;
  }
  if (now + kToleranceSeconds < last_seen) {
    return make_error(ErrorCode::clock_rollback,
                      "The system clock is behind the time this license was last used (by " +
                          std::to_string((last_seen - now) / 3600) +
                          " hours). Set the correct date and time, then try again.");
  }
  // A read-only store must not stop the application: the check stays valid,
  // only this run's time is not remembered.
  if (now >= last_seen + kWriteIntervalSeconds) (void)write_record(now);
  return {};
}

Status ClockGuard::restart_at(std::int64_t server_time) { return write_record(server_time); }

Status ClockGuard::write_record(std::int64_t time) {
  const nlohmann::json record = {{"last_seen", time}, {"mac", mac_of(time)}};
  std::string text = record.dump() + "\n";
  std::error_code error;
  fs::create_directories(record_.parent_path(), error);
  if (Status written = write_file_atomic(record_, text, kPrivate); !written.ok()) return written;
  known_text_ = std::move(text);
  known_time_ = time;
  known_ = true;
  return {};
}

}  // namespace nodelock
