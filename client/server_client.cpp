#include "nodelock/client/server_client.h"

#include <httplib.h>

#include <regex>

namespace nodelock {
namespace {

constexpr std::size_t kMaxResponseBytes = 4 << 20;

// `with_token`: an admin or support call, made from a connected desk, where
// activating by files is no answer; a licensed machine's call gets that advice.
Error transport_error(httplib::Error error, const std::string& url, bool with_token) {
  switch (error) {
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return make_error(ErrorCode::tls_failure,
                        "The license server at " + url + " could not be verified (" +
                            httplib::to_string(error) +
                            "). Check the server's certificate, or give its CA with --ca FILE.");
    default:
      return make_error(
          ErrorCode::unreachable,
          "Cannot reach the license server at " + url + " (" + httplib::to_string(error) + "). " +
              (with_token ? "Check the --server URL, and that nodelock-server runs there and "
                            "this machine can reach it."
                          : "Check the address and the network; a machine without network "
                            "access can be activated offline with `nodelock offline request`."));
  }
}

// A server error envelope keeps its code and message, and gives its details
// to `details` when asked; anything else is described.
Error http_error(const httplib::Result& response, const std::string& url, nlohmann::json* details) {
  const auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const auto& error = body["error"];
    if (details != nullptr && error.contains("details") && error["details"].is_object()) {
      *details = error["details"];
    }
    const std::string code = error.value("code", "");
    const std::string message = error.value("message", "");
    if (!code.empty() && !message.empty()) return make_error(code_from_name(code), message);
  }
  return make_error(ErrorCode::server_error, "The server at " + url + " answered HTTP " +
                                                 std::to_string(response->status) +
                                                 " without an explanation; try again later.");
}

}  // namespace

struct ServerClient::Impl {
  std::string url;
  std::string prefix;
  std::unique_ptr<httplib::Client> http;
  httplib::Headers headers;
  bool with_token = false;

  Result<std::string> send(const std::string& method, const std::string& path,
                           const std::string* body, nlohmann::json* details = nullptr) const {
    const std::string target = prefix + path;
    httplib::Result response = method == "GET" ? http->Get(target, headers)
                               : method == "POST"
                                   ? http->Post(target, headers, *body, "application/json")
                                   : http->Delete(target, headers);
    if (!response) return transport_error(response.error(), url, with_token);
    if (response->body.size() > kMaxResponseBytes) {
      return make_error(ErrorCode::server_error, "The server's answer is too large.");
    }
    if (response->status < 200 || response->status >= 300)
      return http_error(response, url, details);
    return response->body;
  }

  Result<nlohmann::json> send_json(const std::string& method, const std::string& path,
                                   const std::string* body,
                                   nlohmann::json* details = nullptr) const {
    auto text = send(method, path, body, details);
    if (!text.ok()) return text.error();
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) {
      return make_error(ErrorCode::server_error, "The server at " + url +
                                                     " answered something that is not JSON; "
                                                     "is this a nodelock-server?");
    }
    return json;
  }
};

ServerClient::ServerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerClient::ServerClient(ServerClient&&) noexcept = default;
ServerClient& ServerClient::operator=(ServerClient&&) noexcept = default;
ServerClient::~ServerClient() = default;

Result<ServerClient> ServerClient::connect(const ServerOptions& options) {
  static const std::regex url_form(
      R"(^(https?)://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?(/.*)?$)");
  std::smatch parts;
  if (!std::regex_match(options.url, parts, url_form)) {
    return make_error(
        ErrorCode::invalid_argument,
        "'" + options.url + "' is not a server URL like https://licenses.example.com");
  }
  auto impl = std::make_unique<Impl>();
  impl->url = options.url;
  impl->prefix = parts[4].str();
  while (!impl->prefix.empty() && impl->prefix.back() == '/') impl->prefix.pop_back();
  const std::string origin = parts[1].str() + "://" + parts[2].str() + parts[3].str();
  impl->http = std::make_unique<httplib::Client>(origin);
  if (!impl->http->is_valid()) {
    return make_error(ErrorCode::invalid_argument, "cannot use server URL " + options.url);
  }
  if (parts[1] == "https") {
    if (!options.ca_file.empty()) impl->http->set_ca_cert_path(options.ca_file.string());
    impl->http->enable_server_certificate_verification(true);
  }
  impl->http->set_tcp_nodelay(true);
  impl->http->set_keep_alive(true);
  impl->http->set_connection_timeout(options.timeout_seconds, 0);
  impl->http->set_read_timeout(options.timeout_seconds, 0);
  impl->http->set_write_timeout(options.timeout_seconds, 0);
  impl->headers.emplace("Accept", "application/json");
  if (!options.bearer_token.empty()) {
    impl->headers.emplace("Authorization", "Bearer " + options.bearer_token);
    impl->with_token = true;
  }
  return ServerClient(std::move(impl));
}

Result<nlohmann::json> ServerClient::get(const std::string& path) const {
  return impl_->send_json("GET", path, nullptr);
}

Result<nlohmann::json> ServerClient::post(const std::string& path,
                                          const nlohmann::json& body) const {
  const std::string text = body.dump();
  return impl_->send_json("POST", path, &text);
}

Result<nlohmann::json> ServerClient::post(const std::string& path, const nlohmann::json& body,
                                          nlohmann::json& error_details) const {
  error_details = nlohmann::json::object();
  const std::string text = body.dump();
  return impl_->send_json("POST", path, &text, &error_details);
}

Result<nlohmann::json> ServerClient::del(const std::string& path) const {
  return impl_->send_json("DELETE", path, nullptr);
}

Result<std::string> ServerClient::get_text(const std::string& path) const {
  return impl_->send("GET", path, nullptr);
}

const std::string& ServerClient::url() const { return impl_->url; }

}  // namespace nodelock
