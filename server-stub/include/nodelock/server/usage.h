// Floating-seat usage: every lease is one session, from check-out to its end.
//
// The lease store records sessions as leases are checked out, renewed and
// ended; reports and alerts read them. Nothing here knows how they are stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/server/store_records.h"

namespace nodelock::server {

// Why a session ended.
enum class SessionEnd { released, expired, forced, user_disabled, returned, user_removed };

struct UsageSession {
  std::string lease_id;
  std::string license_id;
  std::string seat;  // what the seat is counted by (Lease::seat): sessions on one seat hold one
  std::string user;  // the license user or the client's user name; empty when none was given
  std::string machine_id;
  std::string hostname;
  std::string project;  // the project of a project-scoped seat; empty otherwise
  UnixTime started_at = 0;
  std::optional<UnixTime> ended_at;  // none: the seat is still held
  std::optional<SessionEnd> end;     // set with ended_at
  bool overage = false;              // held on a grace seat, beyond the license's seats
};

// Where sessions are read from: the lease store keeps them.
class UsageLog {
 public:
  virtual ~UsageLog() = default;
  // The sessions of the license that overlap [from, to], by start time.
  virtual Result<std::vector<UsageSession>> usage_sessions(std::string_view license_id,
                                                           UnixTime from, UnixTime to) = 0;
};

std::string_view name_of(SessionEnd end);  // "released", "expired", ...
std::optional<SessionEnd> session_end_named(std::string_view name);

}  // namespace nodelock::server
