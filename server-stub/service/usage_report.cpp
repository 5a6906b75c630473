#include "nodelock/server/usage_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "license_rules.h"
#include "nodelock/audit/csv.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

// The part of a session inside the range; none when it does not overlap it.
struct Span {
  UnixTime start = 0;
  UnixTime end = 0;
};

std::optional<Span> span_in(const UsageSession& session, ReportRange range) {
  const UnixTime ended = session.ended_at.value_or(range.until);
  if (session.started_at >= range.until || ended <= range.from) return std::nullopt;
  return Span{std::max(session.started_at, range.from), std::min(ended, range.until)};
}

// The times each seat was held in the range: the spans of the sessions on
// it, those that overlap or touch merged, so that two leases on one seat (a
// user on two machines, a borrow taken while the lease was held) are one seat
// in use, never two.
std::map<std::string, std::vector<Span>> seat_spans(const std::vector<UsageSession>& sessions,
                                                    ReportRange range) {
  std::map<std::string, std::vector<Span>> spans;
  for (const UsageSession& session : sessions) {
    if (const auto span = span_in(session, range)) spans[session.seat].push_back(*span);
  }
  for (auto& [seat, held] : spans) {
    std::sort(held.begin(), held.end(),
              [](const Span& a, const Span& b) { return a.start < b.start; });
    std::vector<Span> merged;
    for (const Span& span : held) {
      if (!merged.empty() && span.start <= merged.back().end) {
        merged.back().end = std::max(merged.back().end, span.end);
      } else {
        merged.push_back(span);
      }
    }
    held = std::move(merged);
  }
  return spans;
}

std::string user_of(const UsageSession& session) {
  return session.user.empty() ? "machine " + session.machine_id : session.user;
}

UnixTime day_of(UnixTime time) {
  return time - ((time % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
}

int day_count(ReportRange range) {
  if (range.until <= range.from) return 0;
  const UnixTime first = day_of(range.from);
  return static_cast<int>((range.until - first + kSecondsPerDay - 1) / kSecondsPerDay);
}

struct Peak {
  int seats = 0;
  std::optional<UnixTime> at;
};

// The highest step of `steps` in [from, until), and when it was first reached.
Peak peak_of(const std::vector<SeatStep>& steps, UnixTime from, UnixTime until) {
  Peak peak;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const UnixTime next = i + 1 < steps.size() ? steps[i + 1].at : until;
    if (next <= from || steps[i].at >= until) continue;
    if (steps[i].seats > peak.seats) {
      peak.seats = steps[i].seats;
      peak.at = std::max(steps[i].at, from);
    }
  }
  return peak;
}

std::string recommendation(const UsageSummary& summary) {
  if (summary.sessions == 0) {
    return "no sessions from " + utc_date(summary.range.from) + " to " +
           utc_date(summary.range.until - 1) +
           ": nobody used the license in this period; consider fewer seats if it stays unused";
  }
  std::string peak = "peak reached " + std::to_string(summary.peak_seats) + " of " +
                     std::to_string(summary.seats) + " seats at " + utc_timestamp(*summary.peak_at);
  if (summary.peak_seats > summary.seats) {
    return peak + ", " + std::to_string(summary.peak_seats - summary.seats) +
           " of them on grace seats (" + plural(summary.overage_sessions, "session") +
           " on grace seats in all): consider more seats";
  }
  if (summary.peak_seats * 10 >= summary.seats * 9) return peak + ": consider more seats";
  if (summary.peak_seats * 2 <= summary.seats) {
    return peak + ": " + plural(summary.seats - summary.peak_seats, "seat") +
           " never in use at once; consider fewer seats";
  }
  return peak + ": the seats fit the usage";
}

}  // namespace

std::vector<SeatStep> seat_steps(const std::vector<UsageSession>& sessions, ReportRange range) {
  if (range.until <= range.from) return {};
  // Ends sort before starts at the same instant: a seat given back as another
  // is taken is never two seats in use.
  std::vector<std::pair<UnixTime, int>> changes;
  for (const auto& [seat, spans] : seat_spans(sessions, range)) {
    for (const Span& span : spans) {
      changes.emplace_back(span.start, +1);
      if (span.end < range.until) changes.emplace_back(span.end, -1);
    }
  }
  std::sort(changes.begin(), changes.end());
  std::vector<SeatStep> steps{{range.from, 0}};
  int seats = 0;
  for (std::size_t i = 0; i < changes.size();) {
    const UnixTime at = changes[i].first;
    for (; i < changes.size() && changes[i].first == at; ++i) seats += changes[i].second;
    if (seats == steps.back().seats) continue;
    if (steps.back().at == at) {
      steps.back().seats = seats;
    } else {
      steps.push_back({at, seats});
    }
  }
  return steps;
}

UsageSummary usage_summary(const std::vector<UsageSession>& sessions, int seats,
                           ReportRange range) {
  UsageSummary summary;
  summary.range = range;
  summary.seats = seats;
  summary.days = day_count(range);
  const Peak peak = peak_of(seat_steps(sessions, range), range.from, range.until);
  summary.peak_seats = peak.seats;
  summary.peak_at = peak.at;
  std::set<std::string> users;
  std::int64_t daily_users = 0;
  for (const DailyPeak& day : daily_peaks(sessions, range)) daily_users += day.users;
  std::int64_t session_seconds = 0;
  for (const UsageSession& session : sessions) {
    const auto span = span_in(session, range);
    if (!span) continue;
    ++summary.sessions;
    if (session.overage) ++summary.overage_sessions;
    session_seconds += span->end - span->start;
    users.insert(user_of(session));
  }
  for (const auto& [seat, spans] : seat_spans(sessions, range)) {
    for (const Span& span : spans) summary.seat_seconds += span.end - span.start;
  }
  summary.users = static_cast<int>(users.size());
  if (summary.days > 0) {
    summary.average_daily_users = static_cast<double>(daily_users) / summary.days;
  }
  if (summary.sessions > 0) summary.average_session_seconds = session_seconds / summary.sessions;
  if (seats > 0 && range.until > range.from) {
    summary.utilisation =
        static_cast<double>(summary.seat_seconds) /
        (static_cast<double>(seats) * static_cast<double>(range.until - range.from));
  }
  if (range.until > range.from) summary.recommendation = recommendation(summary);
  return summary;
}

std::vector<DailyPeak> daily_peaks(const std::vector<UsageSession>& sessions, ReportRange range) {
  const int days = day_count(range);
  const UnixTime first = day_of(range.from);
  const std::vector<SeatStep> steps = seat_steps(sessions, range);
  std::vector<DailyPeak> peaks(static_cast<std::size_t>(days));
  std::vector<std::set<std::string>> users(peaks.size());
  for (const UsageSession& session : sessions) {
    const auto span = span_in(session, range);
    if (!span) continue;
    // A session ending at midnight was not in use on the day that starts then.
    const UnixTime last_second = std::max(span->start, span->end - 1);
    for (UnixTime day = day_of(span->start); day <= last_second; day += kSecondsPerDay) {
      const auto index = static_cast<std::size_t>((day - first) / kSecondsPerDay);
      ++peaks[index].sessions;
      users[index].insert(user_of(session));
    }
  }
  for (std::size_t i = 0; i < peaks.size(); ++i) {
    DailyPeak& day = peaks[i];
    day.day = first + static_cast<UnixTime>(i) * kSecondsPerDay;
    const Peak peak = peak_of(steps, std::max(day.day, range.from),
                              std::min(day.day + kSecondsPerDay, range.until));
    day.peak_seats = peak.seats;
    day.peak_at = peak.at;
    day.users = static_cast<int>(users[i].size());
  }
  return peaks;
}

std::vector<ReportedSession> reported_sessions(const std::vector<UsageSession>& sessions,
                                               ReportRange range) {
  std::vector<ReportedSession> reported;
  for (const UsageSession& session : sessions) {
    const auto span = span_in(session, range);
    if (span) reported.push_back({session, span->end - span->start});
  }
  std::stable_sort(reported.begin(), reported.end(),
                   [](const ReportedSession& a, const ReportedSession& b) {
                     return a.session.started_at < b.session.started_at;
                   });
  return reported;
}

std::string sessions_csv(const std::vector<ReportedSession>& sessions) {
  std::ostringstream out;
  out << "lease_id,user,machine_id,hostname,project,started,ended,end,seconds_in_range,overage,"
         "seat\r\n";
  for (const ReportedSession& reported : sessions) {
    const UsageSession& session = reported.session;
    out << csv_field(session.lease_id) << ',' << csv_field(session.user) << ','
        << csv_field(session.machine_id) << ',' << csv_field(session.hostname) << ','
        << csv_field(session.project) << ',' << utc_timestamp(session.started_at) << ','
        << (session.ended_at ? utc_timestamp(*session.ended_at) : "") << ','
        << (session.end ? name_of(*session.end) : "") << ',' << reported.seconds_in_range << ','
        << (session.overage ? "yes" : "no") << ',' << csv_field(session.seat) << "\r\n";
  }
  return out.str();
}

}  // namespace nodelock::server
