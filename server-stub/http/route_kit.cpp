#include "route_kit.h"

#include "error_table.h"

namespace nodelock::server {

void send(Response& res, int status, const Json& body) {
  res.status = status;
  // Replacing what is not UTF-8, rather than throwing, keeps a message that
  // quotes a client's bytes from ever ending in an exception outside a route.
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

std::string refusal_code(const Response& res) {
  if (res.status < 400) return {};
  const Json body = Json::parse(res.body, nullptr, false);
  if (!body.is_object()) return {};
  const auto error = body.find("error");
  if (error == body.end() || !error->is_object()) return {};
  const auto code = error->find("code");
  return code != error->end() && code->is_string() ? code->get<std::string>() : std::string();
}

void send_error(Response& res, const Error& error, Json details) {
  if (error.code == ErrorCode::unauthorized) res.set_header("WWW-Authenticate", "Bearer");
  send(res, http_status(error.code), error_body(error, std::move(details)));
}

void send_rate_limited(Response& res, int wait_seconds, std::string_view what) {
  const std::string wait = std::to_string(wait_seconds);
  res.set_header("Retry-After", wait);
  send_error(res,
             make_error(ErrorCode::rate_limited, "too many " + std::string(what) +
                                                     " from this address; try again in " + wait +
                                                     " seconds"),
             {{"retry_after", wait_seconds}});
}

bool refused_as_key_guessing(Api& api, const Request& req, Response& res) {
  const int wait = api.key_failures.retry_after(req.remote_addr);
  if (wait <= 0) return false;
  send_rate_limited(res, wait, "failed license key attempts");
  return true;
}

void note_key_failure(Api& api, const Request& req, ErrorCode code) {
  if (code == ErrorCode::invalid_key || code == ErrorCode::not_found) {
    api.key_failures.record_failure(req.remote_addr);
  }
}

Result<LicenseHolder> authenticated_holder(Api& api, const Request& req, nlohmann::json& body) {
  const auto key = body.find("key");
  if (key == body.end() || !key->is_string()) {
    return make_error(ErrorCode::malformed,
                      "the request body needs a \"key\" field with the license key as a string");
  }
  const std::string typed = key->get<std::string>();
  body.erase(key);
  auto holder = api.self_service.authenticate(typed);
  if (!holder.ok()) note_key_failure(api, req, holder.code());
  return holder;
}

Result<AdminCaller> authenticated_caller(Api& api, const Request& req, bool record_refusal) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.compare(0, kScheme.size(), kScheme) != 0) {
    return make_error(ErrorCode::unauthorized,
                      "this needs an admin token: send Authorization: Bearer <token>");
  }
  std::optional<std::string_view> origin;
  if (record_refusal) origin = req.remote_addr;
  return api.admin.authenticate(std::string_view(header).substr(kScheme.size()), origin);
}

}  // namespace nodelock::server
