// A running nodelock-server and the `nodelock admin` CLI pointed at it, as
// support staff and scripts run it.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "server_fixture.h"

namespace nodelock::server::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

// Runs `command` in a shell; stdout is captured, stderr discarded.
inline CliRun run_command(const std::string& command) {
  CliRun run;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// A command's --json output; an empty object, and a test failure, when it is not one.
inline nlohmann::json json_of(const CliRun& run) {
  const auto json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_TRUE(json.is_object()) << run.out;
  return json.is_object() ? json : nlohmann::json::object();
}

// A simulated machine: a fixture system tree and a license store of its own.
struct Machine {
  std::string sysroot;
  TempDir store;
};

class AdminCliTest : public ServerTest {
 protected:
  using ServerTest::ServerTest;

  // Runs `nodelock admin <words> --server URL --token T`.
  CliRun admin_cli(const std::string& words, const std::string& token = "") {
    return run_command(cli_binary().string() + " admin " + words + " --server " + server_.url() +
                       " --token " + (token.empty() ? server_.admin_token() : token));
  }
};

}  // namespace nodelock::server::testing
