// Errors as values.
//
// Every fallible nodelock call returns a Result<T>: either the value or an Error
// with a stable machine-readable code and a message written for people (what
// happened and what to do). Nothing is thrown across the library boundary.
//
// The code is the contract: the CLI maps it to an exit code and the server to an
// HTTP status and the "error.code" string, each through one table. Codes are only
// ever appended; their string names never change.
//
// A Result is a plain value: copy it, move it, keep it. Like any standard library
// value it may be read from several threads at once but not written.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace nodelock {

enum class ErrorCode {
  invalid_argument,     // the caller passed something unusable (bad flag value, empty path)
  invalid_key,          // a license key that is not well formed (typo, wrong length)
  malformed,            // input that does not parse: not JSON, not armored, wrong types
  tampered,             // parses, but a signature or MAC does not verify
  unknown_signer,       // signed by a key that is not trusted
  wrong_document,       // a document of another type than the one expected
  io_error,             // reading or writing a file failed
  not_found,            // the named thing does not exist
  already_exists,       // creating something that exists
  not_activated,        // no license installed
  expired,              // the license's term ended (grace included)
  needs_refresh,        // the license must check in with the server before use
  machine_mismatch,     // the license belongs to another machine
  product_mismatch,     // the license or request is for another product
  version_not_covered,  // this application version is not covered by the license
  clock_rollback,       // the system clock went back further than the tolerance
  dongle_missing,       // the license needs a dongle that is not present
  suspended,            // the license was suspended by the vendor
  revoked,              // the license or activation was revoked or reset
  activation_limit,     // no activations left on the license
  replayed,             // a nonce or receipt that was already used
  request_expired,      // a signed request older than the accepted window
  unauthorized,         // missing or wrong credentials
  forbidden,            // credentials valid, but the role may not do this
  rate_limited,         // too many attempts; wait and retry
  payload_too_large,    // a body or file over the size limit
  conflict,             // the operation contradicts the current state
  unreachable,          // the server could not be reached
  tls_failure,          // the TLS handshake or certificate check failed
  server_error,         // the server failed; nothing was changed
  internal,             // a bug or an environment failure in this process
  seat_reset,           // support freed this machine's seat (a lost or replaced machine)
  user_disabled,        // the license user this machine was activated for was disabled
  cloned,               // this installation is a copy of another machine's (forked check-ins)
  outside_site,         // the machine is outside the site a site license is bound to
  seats_exhausted,      // every floating seat (grace seats included) is held by others
  lease_ended,          // the floating lease expired or was released; check out again
  borrow_not_allowed,   // the license allows no borrowing, or not for that many days
  seat_reclaimed,       // the server freed this machine's seat after it stopped checking in
  seat_transferred,     // support moved this machine's seat to another machine
  seat_released,        // the license holder freed this machine's seat by self-service
};

// The stable name of a code, e.g. "activation_limit".
std::string_view code_name(ErrorCode code);

// The code of a stable name, as a server's error envelope carries it; an unknown
// name (a newer server) reads as server_error.
ErrorCode code_from_name(std::string_view name);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // value() and error() require ok() and !ok() respectively.
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const { return std::get<1>(state_); }
  ErrorCode code() const { return error().code; }
  const std::string& message() const { return error().message; }

 private:
  std::variant<T, Error> state_;
};

// Success carries nothing: Result<void> is ok or holds an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }
  ErrorCode code() const { return error_.code; }
  const std::string& message() const { return error_.message; }

 private:
  Error error_{ErrorCode::internal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace nodelock
