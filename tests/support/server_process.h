// A real nodelock-server process on a free loopback port with a temporary data
// directory, optionally on a test clock the test moves, and a JSON client for it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "process.h"
#include "temp_dir.h"

namespace nodelock::testing {

// The time a server on the test clock reads (NODELOCK_TEST_CLOCK, docs/TESTING.md):
// a file holding one Unix time, which only the test moves. It starts at the
// real time; several servers (a restart) may share one.
class ServerClock {
 public:
  ServerClock();
  ServerClock(const ServerClock&) = delete;
  ServerClock& operator=(const ServerClock&) = delete;

  std::int64_t now() const { return now_; }
  // Moves the time on; the server's sweeps follow within about 50 ms.
  void advance(std::chrono::seconds by);
  const std::filesystem::path& file() const { return file_; }

 private:
  TempDir dir_;
  std::filesystem::path file_;
  std::int64_t now_;
};

class ServerProcess {
 public:
  struct Options {
    std::filesystem::path data_dir;            // empty: a fresh one of the process's own
    std::vector<std::string> extra_arguments;  // e.g. --tls-cert FILE --tls-key FILE
    std::string listen = "127.0.0.1:0";        // a fixed port: the same server again after a crash
    const ServerClock* clock = nullptr;        // set: the server reads the time from it
  };

  // Starts `nodelock-server serve` and waits for its "listening on" line.
  // Fails the test (and returns an empty url) when it does not start.
  explicit ServerProcess(Options options);
  ServerProcess() : ServerProcess(Options{}) {}
  ~ServerProcess();  // SIGTERM unless already stopped
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  // The admin token printed when the server initialised its data directory.
  const std::string& admin_token() const { return admin_token_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // The server's process id while it runs; -1 once stopped.
  pid_t pid() const { return pid_; }

  // SIGTERM and wait; the exit status as waitpid reports it.
  int terminate();
  // SIGKILL and wait.
  void kill_hard();

 private:
  std::optional<TempDir> own_dir_;
  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
  std::string admin_token_;
};

struct Reply {
  int status = 0;  // 0: no answer
  nlohmann::json body;
  std::string retry_after;

  // "error.code" of an error reply.
  std::string code() const;
};

// A keep-alive JSON client for one server, HTTP or HTTPS.
class ApiClient {
 public:
  // `ca_file` set: HTTPS verified against it.
  explicit ApiClient(const std::string& url, const std::string& token = "",
                     const std::string& ca_file = "");
  Reply get(const std::string& path);
  Reply post(const std::string& path, const nlohmann::json& body);
  Reply post_raw(const std::string& path, const std::string& body);

 private:
  std::unique_ptr<httplib::Client> client_;
};

// Every activation of the license, read page by page from
// GET /v1/licenses/{id}/activations; a failed page fails the test.
nlohmann::json all_activations(ApiClient& admin, const std::string& license_id);

// A self-signed certificate for 127.0.0.1 in `dir` (cert.pem, key.pem), made
// with the openssl command: false when it could not be made. The server serves
// HTTPS with --tls-cert DIR/cert.pem --tls-key DIR/key.pem; clients trust
// cert.pem as the CA.
bool make_test_certificate(const TempDir& dir);

}  // namespace nodelock::testing
