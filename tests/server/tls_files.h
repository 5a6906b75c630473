// A self-signed certificate for 127.0.0.1 for a test server's HTTPS, made
// with the openssl command.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "test_toolkit.h"

namespace nodelock::server::testing {

// cert.pem and key.pem in `dir`; `new_key` is openssl's -newkey argument
// ("rsa:2048"). False when they could not be made.
inline bool make_self_signed_certificate(const std::filesystem::path& dir,
                                         const std::string& new_key) {
  return run_shell("openssl req -x509 -newkey " + new_key + " -nodes -days 2 -subj /CN=127.0.0.1 " +
                   "-keyout " + (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string())
             .exit_code == 0;
}

// The server's arguments that serve HTTPS with them.
inline std::vector<std::string> tls_arguments(const std::filesystem::path& dir) {
  return {"--tls-cert", (dir / "cert.pem").string(), "--tls-key", (dir / "key.pem").string()};
}

}  // namespace nodelock::server::testing
