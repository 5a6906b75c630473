// The usage report's figures, from a scripted day of floating sessions whose
// every figure was worked out by hand (docs/REPORTS.md defines them).
#include <expat.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nodelock/server/usage_report.h"

namespace nodelock::server {
namespace {

constexpr UnixTime kDay = 1772409600;  // 2026-03-02T00:00:00Z
constexpr UnixTime kHour = 3600;
constexpr UnixTime kMinute = 60;

UsageSession session(std::string user, std::string machine, UnixTime start,
                     std::optional<UnixTime> end, bool overage = false) {
  UsageSession s;
  s.lease_id = "lse_" + machine + "_" + std::to_string(start);
  s.license_id = "lic_day";
  s.user = std::move(user);
  s.machine_id = std::move(machine);
  s.seat = s.machine_id;  // seat scope device
  s.hostname = "host-" + s.machine_id;
  s.started_at = start;
  s.ended_at = end;
  if (end) s.end = SessionEnd::released;
  s.overage = overage;
  return s;
}

UnixTime at(int hours, int minutes = 0) { return kDay + hours * kHour + minutes * kMinute; }

// Four seats; the morning rush takes a grace seat at 10:15.
std::vector<UsageSession> scripted_day() {
  return {
      session("eve@example.com", "m6", at(-2), at(1)),  // from the evening before
      session("", "m9", at(-4), at(0)),                 // ended as the day began: not in it
      session("anna@example.com", "m1", at(8), at(12)),
      session("ben@example.com", "m2", at(9), at(10, 30)),
      session("carl@example.com", "m3", at(9, 30), at(17)),
      session("anna@example.com", "m4", at(10), at(11)),  // Anna's second machine
      session("", "m5", at(10, 30), at(13)),              // no user: counted as its machine
      session("frank@example.com", "m7", at(10, 15), at(10, 45), true),
      session("ben@example.com", "m2", at(14), std::nullopt),  // still open
      session("gus@example.com", "m8", at(25), at(26)),        // the next day
  };
}

constexpr ReportRange kScriptedDay{kDay, kDay + 24 * kHour};

TEST(UsageReport, ScriptedDaySummaryMatchesTheFiguresWorkedOutByHand) {
  const UsageSummary summary = usage_summary(scripted_day(), 4, kScriptedDay);
  EXPECT_EQ(summary.seats, 4);
  EXPECT_EQ(summary.peak_seats, 5);
  ASSERT_TRUE(summary.peak_at.has_value());
  EXPECT_EQ(*summary.peak_at, at(10, 15));
  EXPECT_EQ(summary.sessions, 8);
  EXPECT_EQ(summary.overage_sessions, 1);
  EXPECT_EQ(summary.users, 6);
  EXPECT_EQ(summary.days, 1);
  EXPECT_DOUBLE_EQ(summary.average_daily_users, 6.0);
  // 1 + 4 + 1.5 + 7.5 + 1 + 2.5 + 0.5 + 10 hours.
  EXPECT_EQ(summary.seat_seconds, 28 * kHour);
  EXPECT_EQ(summary.average_session_seconds, 3 * kHour + 30 * kMinute);
  EXPECT_DOUBLE_EQ(summary.utilisation, 7.0 / 24.0);
  EXPECT_EQ(summary.recommendation,
            "peak reached 5 of 4 seats at 2026-03-02T10:15:00Z, 1 of them on grace seats "
            "(1 session on grace seats in all): consider more seats");
}

TEST(UsageReport, SeatStepsChangeOnlyWhenTheSeatsInUseChange) {
  const std::vector<SeatStep> steps = seat_steps(scripted_day(), kScriptedDay);
  // At 10:30 Ben gives his seat back as the machine m5 takes one: no step.
  const std::vector<std::pair<UnixTime, int>> expected = {
      {at(0), 1},  {at(1), 0},      {at(8), 1},      {at(9), 2},  {at(9, 30), 3},
      {at(10), 4}, {at(10, 15), 5}, {at(10, 45), 4}, {at(11), 3}, {at(12), 2},
      {at(13), 1}, {at(14), 2},     {at(17), 1}};
  ASSERT_EQ(steps.size(), expected.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].at, expected[i].first) << i;
    EXPECT_EQ(steps[i].seats, expected[i].second) << i;
  }
}

TEST(UsageReport, ThreeDaysGiveOnePeakPerDayAndAnOpenSessionCountsToTheRangeEnd) {
  const ReportRange three_days{kDay, kDay + 3 * 24 * kHour};
  const std::vector<DailyPeak> days = daily_peaks(scripted_day(), three_days);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].day, kDay);
  EXPECT_EQ(days[0].peak_seats, 5);
  EXPECT_EQ(days[0].peak_at, at(10, 15));
  EXPECT_EQ(days[0].users, 6);
  EXPECT_EQ(days[0].sessions, 8);
  EXPECT_EQ(days[1].day, kDay + 24 * kHour);
  EXPECT_EQ(days[1].peak_seats, 2);  // Ben's open session and Gus
  EXPECT_EQ(days[1].peak_at, at(25));
  EXPECT_EQ(days[1].users, 2);
  EXPECT_EQ(days[1].sessions, 2);
  EXPECT_EQ(days[2].peak_seats, 1);
  EXPECT_EQ(days[2].peak_at, at(48));
  EXPECT_EQ(days[2].users, 1);

  const UsageSummary summary = usage_summary(scripted_day(), 4, three_days);
  EXPECT_EQ(summary.sessions, 9);
  EXPECT_DOUBLE_EQ(summary.average_daily_users, 3.0);  // (6 + 2 + 1) / 3
  EXPECT_EQ(summary.seat_seconds, 77 * kHour);         // Ben's open one: 58 hours
  EXPECT_EQ(summary.average_session_seconds, 77 * kHour / 9);
  EXPECT_DOUBLE_EQ(summary.utilisation, 77.0 / 288.0);
}

TEST(UsageReport, RecommendationFollowsThePeakAgainstTheSeats) {
  const std::vector<UsageSession> nine = [] {
    std::vector<UsageSession> sessions;
    for (int i = 0; i < 9; ++i)
      sessions.push_back(session("", "n" + std::to_string(i), at(9), at(10)));
    return sessions;
  }();
  EXPECT_EQ(usage_summary(nine, 10, kScriptedDay).recommendation,
            "peak reached 9 of 10 seats at 2026-03-02T09:00:00Z: consider more seats");
  EXPECT_EQ(usage_summary(nine, 12, kScriptedDay).recommendation,
            "peak reached 9 of 12 seats at 2026-03-02T09:00:00Z: the seats fit the usage");
  EXPECT_EQ(usage_summary(nine, 20, kScriptedDay).recommendation,
            "peak reached 9 of 20 seats at 2026-03-02T09:00:00Z: 11 seats never in use at "
            "once; consider fewer seats");
}

TEST(UsageReport, NoSessionsGiveAnEmptyReportThatSaysSo) {
  const UsageSummary summary = usage_summary({}, 10, kScriptedDay);
  EXPECT_EQ(summary.peak_seats, 0);
  EXPECT_FALSE(summary.peak_at.has_value());
  EXPECT_EQ(summary.sessions, 0);
  EXPECT_EQ(summary.seat_seconds, 0);
  EXPECT_EQ(summary.average_session_seconds, 0);
  EXPECT_DOUBLE_EQ(summary.utilisation, 0.0);
  EXPECT_EQ(summary.recommendation,
            "no sessions from 2026-03-02 to 2026-03-02: nobody used the license in this period; "
            "consider fewer seats if it stays unused");
  EXPECT_TRUE(reported_sessions({}, kScriptedDay).empty());
  EXPECT_EQ(daily_peaks({}, kScriptedDay).size(), 1u);
}

TEST(UsageReport, SessionsAreListedByStartWithTheirSecondsInsideTheRange) {
  const std::vector<ReportedSession> listed = reported_sessions(scripted_day(), kScriptedDay);
  ASSERT_EQ(listed.size(), 8u);
  EXPECT_EQ(listed.front().session.machine_id, "m6");
  EXPECT_EQ(listed.front().seconds_in_range, kHour);  // 00:00 to 01:00 of the range
  EXPECT_EQ(listed.back().session.started_at, at(14));
  EXPECT_EQ(listed.back().seconds_in_range, 10 * kHour);
}

TEST(UsageReport, SessionsCsvQuotesFieldsThatHoldSeparators) {
  UsageSession odd = session("anna@example.com", "m1", at(8), at(9));
  odd.hostname = "cad, \"north\"";
  const std::string csv = sessions_csv(reported_sessions({odd}, kScriptedDay));
  EXPECT_EQ(csv,
            "lease_id,user,machine_id,hostname,project,started,ended,end,seconds_in_range,"
            "overage,seat\r\n"
            "lse_m1_1772438400,anna@example.com,m1,\"cad, \"\"north\"\"\",,"
            "2026-03-02T08:00:00Z,2026-03-02T09:00:00Z,released,3600,no,m1\r\n");
}

TEST(UsageReport, SessionsOnOneSeatCountAsOneSeatInThePeakAndTheGraceSeats) {
  // Four machines on 3 seats and 1 grace seat, each holding two overlapping
  // leases on its own seat (a check-out repeated, a borrow taken while the
  // lease was held): four seats in use, one of them a grace seat, not eight.
  std::vector<UsageSession> sessions;
  for (const char* machine : {"m1", "m2", "m3", "m4"}) {
    sessions.push_back(session("", machine, at(9), at(12)));
    UsageSession again = session("", machine, at(10), at(15));
    again.lease_id += "_again";
    sessions.push_back(again);
  }
  const UsageSummary summary = usage_summary(sessions, 3, kScriptedDay);
  EXPECT_EQ(summary.peak_seats, 4);
  EXPECT_EQ(summary.peak_at, at(9));
  EXPECT_EQ(summary.seat_seconds, 4 * 6 * kHour) << "each seat in use from 9:00 to 15:00";
  EXPECT_EQ(summary.average_session_seconds, 4 * kHour) << "sessions of 3 and 5 hours";
  EXPECT_EQ(summary.recommendation,
            "peak reached 4 of 3 seats at 2026-03-02T09:00:00Z, 1 of them on grace seats "
            "(0 sessions on grace seats in all): consider more seats");
  const std::vector<DailyPeak> days = daily_peaks(sessions, kScriptedDay);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].peak_seats, 4);
  const std::vector<SeatStep> steps = seat_steps(sessions, kScriptedDay);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1].seats, 4);
  EXPECT_EQ(steps[2].at, at(15)) << "each seat stays in use until its last lease ends";
  EXPECT_EQ(steps[2].seats, 0);
}

// Expat checks well-formedness; the handlers collect what the chart must show.
struct ChartContent {
  std::string text;
  int paths = 0;
  int limit_lines = 0;
};

ChartContent parse_chart(const std::string& svg, bool& well_formed) {
  ChartContent content;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &content);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char** attributes) {
        auto* chart = static_cast<ChartContent*>(data);
        if (std::string(name) == "path") ++chart->paths;
        for (int i = 0; attributes[i] != nullptr; i += 2) {
          if (std::string(attributes[i]) == "class" &&
              std::string(attributes[i + 1]) == "seat-limit") {
            ++chart->limit_lines;
          }
        }
      },
      [](void*, const XML_Char*) {});
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* text, int length) {
    static_cast<ChartContent*>(data)->text.append(text, static_cast<std::size_t>(length));
  });
  well_formed =
      XML_Parse(parser, svg.data(), static_cast<int>(svg.size()), XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(parser);
  return content;
}

TEST(UsageChart, IsWellFormedSvgWithTheEscapedTitleTheStepsAndTheSeatLimit) {
  const std::string title = "Smith & <Sons> \"Ltd\" lic_day\x01";
  const std::string svg = usage_chart_svg(scripted_day(), 4, kScriptedDay, title);
  bool well_formed = false;
  const ChartContent content = parse_chart(svg, well_formed);
  ASSERT_TRUE(well_formed) << svg;
  EXPECT_NE(content.text.find("Concurrent seats: Smith & <Sons> \"Ltd\" lic_day"),
            std::string::npos);
  EXPECT_NE(content.text.find("limit 4 seats"), std::string::npos);
  EXPECT_NE(content.text.find("seats in use"), std::string::npos);
  EXPECT_NE(content.text.find("12:00"), std::string::npos);  // every 3 hours for one day
  EXPECT_EQ(content.paths, 1);
  EXPECT_EQ(content.limit_lines, 1);
  // One horizontal and one vertical segment per change of the 13 steps, then the last run.
  std::size_t segments = 0;
  for (std::size_t found = svg.find(" V"); found != std::string::npos;
       found = svg.find(" V", found + 1)) {
    ++segments;
  }
  EXPECT_EQ(segments, 12u);
}

TEST(UsageChart, AnEmptyRangeStillGivesAWellFormedChart) {
  bool well_formed = false;
  parse_chart(usage_chart_svg({}, 10, {kDay, kDay}, "empty"), well_formed);
  EXPECT_TRUE(well_formed);
}

}  // namespace
}  // namespace nodelock::server
