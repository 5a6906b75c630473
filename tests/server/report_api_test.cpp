// The usage report endpoints and `nodelock admin report` against a real
// nodelock-server: a license without sessions gets an empty report that says
// so, every role may read it, and bad ranges and formats are refused.
#include <fstream>
#include <sstream>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class ReportApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    license_ = create_license({{"max_activations", 10}, {"licensee", "Smith & <Sons>"}}).id;
    ASSERT_FALSE(license_.empty());
  }

  std::string report(const std::string& what) {
    return "/v1/licenses/" + license_ + "/report/" + what;
  }

  // A GET whose answer is not JSON (CSV, SVG).
  httplib::Result raw_get(const std::string& path) {
    httplib::Client client(server_.url());
    return client.Get(path.c_str(), {{"Authorization", "Bearer " + server_.admin_token()}});
  }

  std::string license_;
};

TEST_F(ReportApiTest, ALicenseWithoutSessionsGetsAnEmptySummaryThatSaysSo) {
  Reply summary = admin().get(report("summary?from=2026-03-01&to=2026-03-02"));
  ASSERT_EQ(summary.status, 200) << summary.body.dump();
  const auto& body = summary.body["summary"];
  EXPECT_EQ(body["license_id"], license_);
  EXPECT_EQ(body["range"]["from"], 1772323200);  // 2026-03-01T00:00:00Z
  EXPECT_EQ(body["range"]["to"], 1772495999);    // 2026-03-02T23:59:59Z
  EXPECT_EQ(body["seats"], 10);
  EXPECT_EQ(body["peak"]["seats"], 0);
  EXPECT_TRUE(body["peak"]["at"].is_null());
  EXPECT_EQ(body["sessions"], 0);
  EXPECT_EQ(body["days"], 2);
  EXPECT_EQ(body["utilisation"], 0.0);
  EXPECT_EQ(body["recommendation"],
            "no sessions from 2026-03-01 to 2026-03-02: nobody used the license in this period; "
            "consider fewer seats if it stays unused");
}

TEST_F(ReportApiTest, PeakListsEveryDayOfTheRangeAndSessionsComeAsJsonOrCsv) {
  Reply peak = admin().get(report("peak?from=2026-03-01&to=2026-03-03"));
  ASSERT_EQ(peak.status, 200) << peak.body.dump();
  ASSERT_EQ(peak.body["days"].size(), 3u);
  EXPECT_EQ(peak.body["days"][2]["date"], "2026-03-03");
  EXPECT_EQ(peak.body["days"][2]["peak"]["seats"], 0);

  Reply sessions = admin().get(report("sessions?from=2026-03-01&to=2026-03-03"));
  ASSERT_EQ(sessions.status, 200);
  EXPECT_TRUE(sessions.body["sessions"].empty());

  auto csv = raw_get(report("sessions?format=csv&from=2026-03-01"));
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->body,
            "lease_id,user,machine_id,hostname,project,started,ended,end,seconds_in_range,"
            "overage,seat\r\n");
}

TEST_F(ReportApiTest, ChartIsAnSvgDocumentTitledWithTheEscapedLicensee) {
  auto chart = raw_get(report("chart.svg?from=2026-03-01&to=2026-03-07"));
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->status, 200);
  EXPECT_EQ(chart->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_EQ(chart->body.rfind("<?xml", 0), 0u);
  EXPECT_NE(chart->body.find("Concurrent seats: Smith &amp; &lt;Sons&gt; (" + license_ + ")"),
            std::string::npos);
  EXPECT_NE(chart->body.find("limit 10 seats"), std::string::npos);
}

TEST_F(ReportApiTest, AViewerTokenMayReadReports) {
  Reply token = admin().post("/v1/admin-tokens", {{"role", "viewer"}});
  ASSERT_EQ(token.status, 201);
  ApiClient viewer(server_.url(), token.body["token"]);
  EXPECT_EQ(viewer.get(report("summary")).status, 200);
  EXPECT_EQ(viewer.get(report("peak")).status, 200);
}

TEST_F(ReportApiTest, BadRangesFormatsLicensesAndTokensAreRefused) {
  struct Case {
    std::string path;
    int status;
    std::string code;
  };
  for (const Case& bad : {
           Case{report("summary?from=yesterday"), 400, "invalid_argument"},
           Case{report("summary?from=2026-02-30"), 400, "invalid_argument"},
           Case{report("summary?from=2026-03-05&to=2026-03-01"), 400, "invalid_argument"},
           Case{report("summary?from=2024-01-01&to=2026-03-01"), 400, "invalid_argument"},
           Case{report("sessions?format=xml"), 400, "invalid_argument"},
           Case{"/v1/licenses/lic_nobody/report/summary", 404, "not_found"},
           Case{"/v1/licenses/lic_nobody/report/chart.svg", 404, "not_found"},
           Case{report("forecast"), 404, "not_found"},
       }) {
    Reply reply = admin().get(bad.path);
    EXPECT_EQ(reply.status, bad.status) << bad.path << " " << reply.body.dump();
    EXPECT_EQ(reply.code(), bad.code) << bad.path;
  }
  Reply anonymous_reply = anonymous().get(report("summary"));
  EXPECT_EQ(anonymous_reply.status, 401);
  EXPECT_EQ(anonymous_reply.code(), "unauthorized");
  // Reading reports changes nothing: the audit log holds only the setup's entries.
  Reply audit = admin().get("/v1/audit");
  ASSERT_EQ(audit.status, 200);
  for (const auto& entry : audit.body["entries"]) {
    EXPECT_NE(entry["action"].get<std::string>().rfind("report", 0), 0u);
  }
}

TEST_F(ReportApiTest, CliPrintsTheSummaryWritesTheChartAndRefusesUnknownReports) {
  ProcessResult summary =
      admin_cli("report summary --license " + license_ + " --from 2026-03-01 --to 2026-03-02");
  EXPECT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.out.find("10 seats, from 2026-03-01T00:00:00Z to 2026-03-02T23:59:59Z"),
            std::string::npos)
      << summary.out;
  EXPECT_NE(summary.out.find("no sessions from 2026-03-01 to 2026-03-02"), std::string::npos);

  ProcessResult csv =
      admin_cli("report sessions --csv --license " + license_ + " --from 2026-03-01");
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("lease_id,user,machine_id", 0), 0u) << csv.out;

  ProcessResult peak =
      admin_cli("report peak --csv --license " + license_ + " --from 2026-03-01 --to 2026-03-02");
  EXPECT_EQ(peak.exit_code, 0);
  EXPECT_EQ(peak.out,
            "date,peak_seats,peak_at,users,sessions\r\n2026-03-01,0,-,0,0\r\n"
            "2026-03-02,0,-,0,0\r\n");

  const TempDir out;
  const std::string svg = (out / "chart.svg").string();
  ProcessResult chart = admin_cli("report chart --license " + license_ + " --out " + svg);
  EXPECT_EQ(chart.exit_code, 0) << chart.out;
  std::ifstream written(svg);
  std::stringstream content;
  content << written.rdbuf();
  EXPECT_NE(content.str().find("<svg"), std::string::npos);

  EXPECT_EQ(admin_cli("report forecast --license " + license_).exit_code, 2);
  EXPECT_EQ(admin_cli("report summary").exit_code, 2);  // no --license
  EXPECT_EQ(admin_cli("report chart --csv --license " + license_).exit_code, 2);
  EXPECT_EQ(admin_cli("report summary --license lic_nobody").exit_code, 1);
}

}  // namespace
}  // namespace nodelock::server::testing
