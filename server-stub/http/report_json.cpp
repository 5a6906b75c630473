#include "report_json.h"

#include "nodelock/crypto/utc_time.h"

namespace nodelock::server {

namespace {

nlohmann::json optional_time(const std::optional<UnixTime>& time) {
  return time ? nlohmann::json(*time) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const ReportRange& range) {
  return {{"from", range.from}, {"to", range.until - 1}};
}

nlohmann::json to_json(const UsageSummary& summary) {
  return {{"range", to_json(summary.range)},
          {"seats", summary.seats},
          {"peak", {{"seats", summary.peak_seats}, {"at", optional_time(summary.peak_at)}}},
          {"sessions", summary.sessions},
          {"overage_sessions", summary.overage_sessions},
          {"users", summary.users},
          {"days", summary.days},
          {"average_daily_users", summary.average_daily_users},
          {"average_session_seconds", summary.average_session_seconds},
          {"seat_seconds", summary.seat_seconds},
          {"utilisation", summary.utilisation},
          {"recommendation", summary.recommendation}};
}

nlohmann::json to_json(const DailyPeak& day) {
  return {{"date", utc_date(day.day)},
          {"day", day.day},
          {"peak", {{"seats", day.peak_seats}, {"at", optional_time(day.peak_at)}}},
          {"users", day.users},
          {"sessions", day.sessions}};
}

nlohmann::json to_json(const ReportedSession& reported) {
  const UsageSession& session = reported.session;
  return {{"lease_id", session.lease_id},
          {"user", session.user},
          {"machine_id", session.machine_id},
          {"hostname", session.hostname},
          {"project", session.project},
          {"started_at", session.started_at},
          {"ended_at", optional_time(session.ended_at)},
          {"end", session.end ? nlohmann::json(name_of(*session.end)) : nlohmann::json(nullptr)},
          {"seconds_in_range", reported.seconds_in_range},
          {"overage", session.overage},
          {"seat", session.seat}};
}

}  // namespace nodelock::server
