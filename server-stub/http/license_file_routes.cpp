// License import and export: whole files of license records, so support can
// bring licenses over from another system in one all-or-nothing step.
#include "license_records.h"
#include "nodelock/activation/json_fields.h"
#include "route_kit.h"

namespace nodelock::server {

namespace {

Result<RecordFormat> format_named(const std::string& name) {
  if (name == "csv") return RecordFormat::csv;
  if (name == "json") return RecordFormat::json;
  return make_error(ErrorCode::invalid_argument,
                    "the format must be csv or json, not '" + name + "'");
}

Json problems_json(const std::vector<RecordProblem>& problems) {
  Json list = Json::array();
  for (const RecordProblem& problem : problems) {
    list.push_back({{"line", problem.line}, {"message", problem.message}});
  }
  return list;
}

void import_file(Api& api, const Request& req, Response& res, const AdminCaller& caller) {
  auto body = parse_body(req.body);
  if (!body.ok()) return send_error(res, body.error());
  FieldReader in(*body, "import");
  const std::string format_name = in.string("format");
  const std::string content = in.string("content");
  const bool new_keys = body->contains("new_keys") && in.boolean("new_keys");
  if (Status read = in.finish(); !read.ok()) return send_error(res, read.error());
  auto format = format_named(format_name);
  if (!format.ok()) return send_error(res, format.error());
  RecordFile file = read_license_records(content, *format);
  auto outcome = api.imports.import_records(
      caller, std::move(file.records), std::move(file.problems),
      new_keys ? ForeignKeyHashes::issue_new_keys : ForeignKeyHashes::refuse);
  if (!outcome.ok()) return send_error(res, outcome.error());
  if (!outcome->problems.empty()) {
    // Every line is in the message too, so any client shows the whole report.
    const std::size_t count = outcome->problems.size();
    std::string message = "nothing was imported: " + std::to_string(count) +
                          (count == 1 ? " problem" : " problems") +
                          " in the file; fix every line listed and import it again";
    for (const RecordProblem& problem : outcome->problems) {
      message += "\nline " + std::to_string(problem.line) + ": " + problem.message;
    }
    return send_error(res, make_error(ErrorCode::malformed, message),
                      {{"problems", problems_json(outcome->problems)}});
  }
  Json imported = Json::array();
  for (const License& license : outcome->imported) {
    Json entry = {{"id", license.id}, {"key_hint", "...-" + license.key_last5}};
    const auto issued = outcome->issued_keys.find(license.id);
    if (issued != outcome->issued_keys.end()) entry["key"] = issued->second;
    imported.push_back(std::move(entry));
  }
  send(res, 201,
       {{"imported", imported.size()},
        {"licenses", imported},
        {"notes", problems_json(file.notes)}});
}

void export_file(Api& api, const Request& req, Response& res, AdminRole role) {
  auto format = format_named(req.has_param("format") ? req.get_param_value("format") : "csv");
  if (!format.ok()) return send_error(res, format.error());
  auto records = api.imports.export_records(role, req.get_param_value("product"));
  if (!records.ok()) return send_error(res, records.error());
  send(res, 200,
       {{"format", *format == RecordFormat::csv ? "csv" : "json"},
        {"count", records->size()},
        {"content", write_license_records(*records, *format)}});
}

}  // namespace

void register_license_file_routes(httplib::Server& server, Api& api) {
  server.Post("/v1/licenses/import",
              admin_route(api, "/v1/licenses/import",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            import_file(api, req, res, caller);
                          }));
  server.Get("/v1/licenses/export",
             admin_route(api, "/v1/licenses/export",
                         [&api](const Request& req, Response& res, AdminRole role) {
                           export_file(api, req, res, role);
                         }));
}

}  // namespace nodelock::server
