// Usage reports of a license: summary, sessions (JSON or CSV), daily peaks
// and the SVG chart. Every role may read them.
#include "report_json.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

struct QueryRange {
  std::optional<UnixTime> from;
  std::optional<UnixTime> to;
};

// ?from=&to= as the audit log reads them; an absent bound is left to the service.
Result<QueryRange> range_of(const Request& req) {
  auto range = audit_range_from_query(req.get_param_value("from"), req.get_param_value("to"));
  if (!range.ok()) return range.error();
  QueryRange query;
  if (req.has_param("from")) query.from = range->first;
  if (req.has_param("to")) query.to = range->second;
  return query;
}

// A report endpoint: the range read, then `handler(res, license_id, range)`.
template <class Handler>
httplib::Server::Handler report_route(Api& api, std::string pattern, Handler handler) {
  return admin_route(api, std::move(pattern),
                     [handler](const Request& req, Response& res, AdminRole) {
                       auto range = range_of(req);
                       if (!range.ok()) return send_error(res, range.error());
                       handler(req, res, req.matches[1].str(), *range);
                     });
}

void send_sessions(Api& api, const Request& req, Response& res, const std::string& id,
                   const QueryRange& range) {
  const std::string format = req.get_param_value("format");
  if (!format.empty() && format != "json" && format != "csv") {
    return send_error(res, make_error(ErrorCode::invalid_argument,
                                      "format must be json or csv, not '" + format + "'"));
  }
  auto sessions = api.reports.sessions(id, range.from, range.to);
  if (!sessions.ok()) return send_error(res, sessions.error());
  if (format == "csv") {
    res.status = 200;
    res.set_header("Content-Disposition", "attachment; filename=\"" + id + "-sessions.csv\"");
    return res.set_content(sessions_csv(*sessions), "text/csv; charset=utf-8");
  }
  send(res, 200, {{"sessions", list_of(*sessions)}});
}

}  // namespace

void register_report_routes(httplib::Server& server, Api& api) {
  server.Get(R"(/v1/licenses/([^/]+)/report/summary)",
             report_route(api, "/v1/licenses/{id}/report/summary",
                          [&api](const Request&, Response& res, const std::string& id,
                                 const QueryRange& range) {
                            answer(res, api.reports.summary(id, range.from, range.to), 200,
                                   [&id](const UsageSummary& summary) {
                                     Json body = to_json(summary);
                                     body["license_id"] = id;
                                     return Json{{"summary", body}};
                                   });
                          }));
  server.Get(R"(/v1/licenses/([^/]+)/report/peak)",
             report_route(api, "/v1/licenses/{id}/report/peak",
                          [&api](const Request&, Response& res, const std::string& id,
                                 const QueryRange& range) {
                            answer(res, api.reports.peaks(id, range.from, range.to), 200,
                                   [](const std::vector<DailyPeak>& days) {
                                     return Json{{"days", list_of(days)}};
                                   });
                          }));
  server.Get(
      R"(/v1/licenses/([^/]+)/report/sessions)",
      report_route(api, "/v1/licenses/{id}/report/sessions",
                   [&api](const Request& req, Response& res, const std::string& id,
                          const QueryRange& range) { send_sessions(api, req, res, id, range); }));
  server.Get(R"(/v1/licenses/([^/]+)/report/chart\.svg)",
             report_route(api, "/v1/licenses/{id}/report/chart.svg",
                          [&api](const Request&, Response& res, const std::string& id,
                                 const QueryRange& range) {
                            auto chart = api.reports.chart(id, range.from, range.to);
                            if (!chart.ok()) return send_error(res, chart.error());
                            res.status = 200;
                            res.set_content(*chart, "image/svg+xml");
                          }));
}

}  // namespace nodelock::server
