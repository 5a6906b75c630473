// Usage reports of a floating license, computed from its sessions.
//
// Every figure is a pure function of the sessions, the license's seat count
// and the report's range, so the same sessions always give the same report.
// docs/REPORTS.md defines each figure; in short:
//   - The range is [from, until): `until` is exclusive. Only the part of a
//     session inside the range counts, and a session still open counts up to
//     the range's end.
//   - Seats in use at an instant: the sessions open then. A session ending at
//     the instant another starts does not overlap it.
//   - Days are UTC days; a day partly inside the range counts as a day.
//   - A user is the session's user, or its machine when it names none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nodelock/server/usage.h"

namespace nodelock::server {

struct ReportRange {
  UnixTime from = 0;
  UnixTime until = 0;  // exclusive
};

// Seats in use from `at` until the next step (or the range's end).
struct SeatStep {
  UnixTime at = 0;
  int seats = 0;
};

struct UsageSummary {
  ReportRange range;
  int seats = 0;  // the license's seats
  int peak_seats = 0;
  std::optional<UnixTime> peak_at;  // first instant the peak was reached; none without sessions
  int sessions = 0;                 // sessions overlapping the range
  int overage_sessions = 0;         // of those, held on grace seats
  int users = 0;                    // distinct users over the whole range
  int days = 0;
  double average_daily_users = 0;  // sum over days of that day's users, / days
  // The sessions' seconds inside the range, summed, / sessions, rounded down.
  std::int64_t average_session_seconds = 0;
  // The seconds each seat was in use inside the range, summed: sessions
  // holding one seat at once count once.
  std::int64_t seat_seconds = 0;
  double utilisation = 0;  // seat_seconds / (seats × seconds in the range)
  std::string recommendation;
};

struct DailyPeak {
  UnixTime day = 0;  // the UTC day's first second
  int peak_seats = 0;
  std::optional<UnixTime> peak_at;
  int users = 0;
  int sessions = 0;  // sessions overlapping the day
};

// A session as a report lists it: its times clipped to the range.
struct ReportedSession {
  UsageSession session;
  std::int64_t seconds_in_range = 0;
};

// Seats in use over the range, as steps: the first at `from`, then one at each
// change. A seat (UsageSession::seat) is in use while any session holds it,
// so sessions sharing a seat count once. Empty for an empty range.
std::vector<SeatStep> seat_steps(const std::vector<UsageSession>& sessions, ReportRange range);

UsageSummary usage_summary(const std::vector<UsageSession>& sessions, int seats, ReportRange range);

// One entry per UTC day the range touches, oldest first.
std::vector<DailyPeak> daily_peaks(const std::vector<UsageSession>& sessions, ReportRange range);

// The sessions overlapping the range, by start time.
std::vector<ReportedSession> reported_sessions(const std::vector<UsageSession>& sessions,
                                               ReportRange range);

// The sessions as CSV (RFC 4180), one header line then one line per session.
std::string sessions_csv(const std::vector<ReportedSession>& sessions);

// A step chart of the seats in use over the range with the seat limit, as a
// standalone SVG document. `title` is escaped.
std::string usage_chart_svg(const std::vector<UsageSession>& sessions, int seats, ReportRange range,
                            const std::string& title);

}  // namespace nodelock::server
