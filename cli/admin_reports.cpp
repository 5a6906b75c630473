// nodelock admin report summary|sessions|peak|chart: a license's usage over a
// range of days, as the server computes it (docs/REPORTS.md).
#include <cstdio>
#include <iostream>

#include "admin_client.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

std::string when(const nlohmann::json& time) {
  return time.is_null() ? "-" : utc_timestamp(time.get<std::int64_t>());
}

// "3h30m" for people reading session lengths.
std::string duration(std::int64_t seconds) {
  const std::int64_t minutes = seconds / 60;
  return std::to_string(minutes / 60) + "h" + (minutes % 60 < 10 ? "0" : "") +
         std::to_string(minutes % 60) + "m";
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void print_summary(const nlohmann::json& reply, bool csv) {
  const auto& s = reply["summary"];
  if (csv) {
    std::cout << "license_id,from,to,seats,peak_seats,peak_at,sessions,overage_sessions,users,"
                 "average_daily_users,average_session_seconds,seat_seconds,utilisation\r\n"
              << s["license_id"].get<std::string>() << ',' << when(s["range"]["from"]) << ','
              << when(s["range"]["to"]) << ',' << s["seats"] << ',' << s["peak"]["seats"] << ','
              << when(s["peak"]["at"]) << ',' << s["sessions"] << ',' << s["overage_sessions"]
              << ',' << s["users"] << ',' << fixed(s["average_daily_users"].get<double>(), 2) << ','
              << s["average_session_seconds"] << ',' << s["seat_seconds"] << ','
              << fixed(s["utilisation"].get<double>(), 4) << "\r\n";
    return;
  }
  std::cout << "License " << s["license_id"].get<std::string>() << ", " << s["seats"]
            << " seats, from " << when(s["range"]["from"]) << " to " << when(s["range"]["to"])
            << "\n  peak:         " << s["peak"]["seats"] << " seats at " << when(s["peak"]["at"])
            << "\n  sessions:     " << s["sessions"] << " (" << s["overage_sessions"]
            << " on grace seats), " << duration(s["average_session_seconds"].get<std::int64_t>())
            << " on average"
            << "\n  users:        " << s["users"] << " in all, "
            << fixed(s["average_daily_users"].get<double>(), 2) << " a day on average"
            << "\n  utilisation:  " << fixed(100 * s["utilisation"].get<double>(), 1)
            << " % of the seat time"
            << "\n"
            << s["recommendation"].get<std::string>() << '\n';
}

void print_peaks(const nlohmann::json& reply, bool csv) {
  if (csv) std::cout << "date,peak_seats,peak_at,users,sessions\r\n";
  for (const auto& day : reply["days"]) {
    if (csv) {
      std::cout << day["date"].get<std::string>() << ',' << day["peak"]["seats"] << ','
                << when(day["peak"]["at"]) << ',' << day["users"] << ',' << day["sessions"]
                << "\r\n";
    } else {
      std::cout << day["date"].get<std::string>() << "  peak " << day["peak"]["seats"]
                << " seats at " << when(day["peak"]["at"]) << ", " << day["users"] << " users, "
                << day["sessions"] << " sessions\n";
    }
  }
}

void print_sessions(const nlohmann::json& reply) {
  if (reply["sessions"].empty()) std::cout << "No sessions in this range.\n";
  for (const auto& session : reply["sessions"]) {
    const std::string user = session["user"].get<std::string>();
    std::cout << session["lease_id"].get<std::string>() << "  " << (user.empty() ? "-" : user)
              << "  " << session["machine_id"].get<std::string>() << "  "
              << session["hostname"].get<std::string>() << "  " << when(session["started_at"])
              << " to " << when(session["ended_at"]) << "  "
              << duration(session["seconds_in_range"].get<std::int64_t>())
              << (session["overage"].get<bool>() ? "  (grace seat)" : "") << '\n';
  }
}

int run_report(const Args& args, const std::vector<std::string>& operands) {
  const bool json = args.has("--json");
  const bool csv = args.has("--csv");
  auto license = args.require("--license");
  if (!license.ok()) return report(license.error(), json);
  if (operands.size() != 1 || (operands[0] != "summary" && operands[0] != "sessions" &&
                               operands[0] != "peak" && operands[0] != "chart")) {
    return report(make_error(ErrorCode::invalid_argument,
                             "say which report: summary, sessions, peak or chart"),
                  json);
  }
  const std::string kind = operands[0];
  if (csv && json) {
    return report(make_error(ErrorCode::invalid_argument, "give --csv or --json, not both"), true);
  }
  if (csv && kind == "chart") {
    return report(make_error(ErrorCode::invalid_argument, "the chart is SVG; --csv does not apply"),
                  json);
  }
  if (args.has("--out") && kind != "chart") {
    return report(make_error(ErrorCode::invalid_argument, "--out applies to report chart"), json);
  }
  const std::string what = kind == "chart"             ? "chart.svg"
                           : kind == "sessions" && csv ? "sessions?format=csv"
                                                       : kind;
  auto path = with_range(args, "/v1/licenses/" + *license + "/report/" + what);
  if (!path.ok()) return report(path.error(), json);
  if (kind == "chart" || (kind == "sessions" && csv)) {
    const auto out = args.get("--out");
    return call_server(
        args,
        [&](const ServerClient& server) -> Result<nlohmann::json> {
          auto text = server.get_text(*path);
          if (!text.ok()) return text.error();
          if (!out) return nlohmann::json{{"text", *text}};
          Status written = write_file_atomic(
              *out, *text,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::group_read | std::filesystem::perms::others_read);
          if (!written.ok()) return written.error();
          return nlohmann::json{{"written", *out}, {"bytes", text->size()}};
        },
        [](const nlohmann::json& reply) {
          if (reply.contains("text")) {
            std::cout << reply["text"].get<std::string>();
          } else {
            std::cout << "Wrote the chart (" << reply["bytes"] << " bytes of SVG) to "
                      << reply["written"].get<std::string>() << ".\n";
          }
        });
  }
  return call_server(
      args, [&](const ServerClient& server) { return server.get(*path); },
      [&kind, csv](const nlohmann::json& reply) {
        if (kind == "summary") return print_summary(reply, csv);
        if (kind == "peak") return print_peaks(reply, csv);
        print_sessions(reply);
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_report_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"report",
       "report summary|sessions|peak|chart --license ID [--from D] [--to D] [--csv]\n"
       "      [--out FILE.svg]   (viewer; D is YYYY-MM-DD or unix seconds; default the last\n"
       "      30 days; chart writes SVG to --out or stdout)",
       {"--license", "--from", "--to", "--out"},
       run_report,
       {"--csv"},
       "report kind"},
  };
  return subcommands;
}

}  // namespace nodelock::cli
