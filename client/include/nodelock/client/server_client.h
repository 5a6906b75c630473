// JSON over HTTP(S) to a nodelock-server: the transport under activation,
// refresh, deactivation and the admin commands.
//
// Every failure is a value: a server that cannot be reached is `unreachable`,
// a certificate that does not verify is `tls_failure`, and an error the server
// answered keeps the server's stable code and its message for people.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock {

struct ServerOptions {
  std::string url;                // "https://licenses.example.com" or "http://127.0.0.1:8080"
  std::filesystem::path ca_file;  // empty: the system's trusted certificates
  std::string bearer_token;       // admin and support calls
  int timeout_seconds = 30;
};

class ServerClient {
 public:
  // invalid_argument when the URL is not http(s)://host[:port][/prefix].
  static Result<ServerClient> connect(const ServerOptions& options);

  ServerClient(ServerClient&&) noexcept;
  ServerClient& operator=(ServerClient&&) noexcept;
  ~ServerClient();

  [[nodiscard]] Result<nlohmann::json> get(const std::string& path) const;
  [[nodiscard]] Result<nlohmann::json> post(const std::string& path,
                                            const nlohmann::json& body) const;
  // As post(); when the server answers an error, `error_details` receives the
  // envelope's "details" object (empty when it has none).
  [[nodiscard]] Result<nlohmann::json> post(const std::string& path, const nlohmann::json& body,
                                            nlohmann::json& error_details) const;
  [[nodiscard]] Result<nlohmann::json> del(const std::string& path) const;
  // The body as text, for endpoints that answer CSV or Prometheus text.
  [[nodiscard]] Result<std::string> get_text(const std::string& path) const;

  const std::string& url() const;

 private:
  struct Impl;
  explicit ServerClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nodelock
