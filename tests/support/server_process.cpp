#include "server_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

extern char** environ;

namespace nodelock::testing {

ServerClock::ServerClock() : file_(dir_ / "now"), now_(std::time(nullptr)) {
  advance(std::chrono::seconds(0));
}

void ServerClock::advance(std::chrono::seconds by) {
  now_ += by.count();
  // Renamed into place: the server never reads a half-written time.
  const std::filesystem::path next = dir_ / "now.next";
  write_text(next, std::to_string(now_) + "\n");
  std::filesystem::rename(next, file_);
}

ServerProcess::ServerProcess(Options options) {
  if (options.data_dir.empty()) {
    own_dir_.emplace();
    data_dir_ = own_dir_->path() / "data";
  } else {
    data_dir_ = options.data_dir;
  }
  std::vector<std::string> words = {server_binary().string(), "serve",    "--data",
                                    data_dir_.string(),       "--listen", options.listen};
  words.insert(words.end(), options.extra_arguments.begin(), options.extra_arguments.end());
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  if (options.clock != nullptr) {
    environment.push_back("NODELOCK_TEST_CLOCK=" + options.clock->file().string());
  }
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return;
  }
  const pid_t test_process = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // A test that crashes must not leave its server behind holding the test
    // runner's output pipe open, which makes the runner wait for its timeout.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != test_process) _exit(126);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  FILE* lines = fdopen(out[0], "r");
  char line[512];
  while (url_.empty() && fgets(line, sizeof line, lines) != nullptr) {
    const std::string text(line);
    const std::string token_label = "admin token (shown only now; keep it safe): ";
    if (text.rfind(token_label, 0) == 0) {
      admin_token_ = text.substr(token_label.size());
      admin_token_.erase(admin_token_.find_last_not_of("\r\n") + 1);
    }
    const std::string listening = "listening on ";
    if (text.rfind(listening, 0) == 0) {
      url_ = text.substr(listening.size());
      url_.erase(url_.find_last_not_of("\r\n") + 1);
      port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
    }
  }
  // The server writes nothing more to stdout; closing our end is safe.
  fclose(lines);
  if (url_.empty()) ADD_FAILURE() << "nodelock-server did not start";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate();
}

int ServerProcess::terminate() {
  int status = -1;
  if (pid_ <= 0) return status;
  ::kill(pid_, SIGTERM);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string Reply::code() const {
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

ApiClient::ApiClient(const std::string& url, const std::string& token, const std::string& ca_file) {
  client_ = std::make_unique<httplib::Client>(url);
  client_->set_tcp_nodelay(true);
  client_->set_keep_alive(true);
  client_->set_read_timeout(30);
  if (!ca_file.empty()) {
    client_->set_ca_cert_path(ca_file.c_str());
    client_->enable_server_certificate_verification(true);
  }
  if (!token.empty()) client_->set_bearer_token_auth(token.c_str());
}

namespace {

Reply reply_of(const httplib::Result& result) {
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.body = nlohmann::json::parse(result->body, nullptr, false);
  reply.retry_after = result->get_header_value("Retry-After");
  return reply;
}

}  // namespace

Reply ApiClient::get(const std::string& path) { return reply_of(client_->Get(path.c_str())); }

Reply ApiClient::post(const std::string& path, const nlohmann::json& body) {
  return post_raw(path, body.dump());
}

Reply ApiClient::post_raw(const std::string& path, const std::string& body) {
  return reply_of(client_->Post(path.c_str(), body, "application/json"));
}

nlohmann::json all_activations(ApiClient& admin, const std::string& license_id) {
  nlohmann::json all = nlohmann::json::array();
  const std::string listing = "/v1/licenses/" + license_id + "/activations?limit=1000";
  for (std::string path = listing;;) {
    Reply page = admin.get(path);
    EXPECT_EQ(page.status, 200) << page.body.dump();
    if (page.status != 200) return all;
    for (auto& activation : page.body["activations"]) all.push_back(std::move(activation));
    if (!page.body.contains("next")) return all;
    path = listing + "&after=" + page.body["next"].get<std::string>();
  }
}

bool make_test_certificate(const TempDir& dir) {
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string();
  return run_shell(command).exit_code == 0;
}

}  // namespace nodelock::testing
