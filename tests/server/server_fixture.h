// A running nodelock-server with one product, reached as its users reach it:
// over HTTP (admin(), anonymous()), with `nodelock admin` as support staff and
// scripts run it, and with the client commands (`activate`, `refresh`, `lease
// ...`) on simulated machines, each a fixture system tree with a license store
// of its own.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_machine.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {

struct IssuedKey {
  std::string id;
  std::string key;
};

// The answers to activations sent at once: seats granted, refused for the
// limit, and anything else.
struct ActivationTally {
  std::atomic<int> granted{0}, refused{0}, other{0};

  void count(const Reply& reply) {
    if (reply.status == 200) {
      ++granted;
    } else if (reply.status == 409 && reply.code() == "activation_limit") {
      ++refused;
    } else {
      ++other;
    }
  }
};

// A simulated machine: a fixture system tree and a license store of its own.
struct Machine {
  std::string sysroot;
  TempDir store;
};

// A command's --json output; an empty object, and a test failure, when it is not one.
inline nlohmann::json json_of(const ProcessResult& run) {
  const auto json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_TRUE(json.is_object()) << run.out;
  return json.is_object() ? json : nlohmann::json::object();
}

// Whose time the server keeps: the system's, or clock_'s, which the test moves.
enum class ServerTime { real, test_clock };

class ServerTest : public ::testing::Test {
 protected:
  // `options`: a server started with extra arguments or on a given data dir.
  explicit ServerTest(ServerProcess::Options options = {}, ServerTime time = ServerTime::real)
      : server_(started_on(time, std::move(options))) {}

  void SetUp() override {
    ASSERT_FALSE(server_.url().empty());
    Reply product = admin().post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}});
    ASSERT_EQ(product.status, 201) << product.body.dump();
  }

  // Over HTTP.
  ApiClient admin() { return ApiClient(server_.url(), server_.admin_token()); }
  ApiClient anonymous() { return ApiClient(server_.url()); }

  IssuedKey create_license(nlohmann::json order) {
    order["product"] = order.value("product", "acme-cad");
    order["model"] = "node-locked";
    Reply created = admin().post("/v1/licenses", order);
    EXPECT_EQ(created.status, 201) << created.body.dump();
    if (created.status != 201) return {};
    return {created.body["id"], created.body["key"]};
  }

  Reply activate(ApiClient& client, const std::string& armored_request) {
    return client.post("/v1/activations", {{"request", armored_request}});
  }

  Reply license_details(const std::string& id) { return admin().get("/v1/licenses/" + id); }

  // With `nodelock admin`: `nodelock admin <words> --server URL --token T`.
  ProcessResult admin_cli(const std::string& words, const std::string& token = "") {
    return run_shell(nodelock_binary().string() + " admin " + words + " --server " + server_.url() +
                     " --token " + (token.empty() ? server_.admin_token() : token));
  }

  // A new token of the support role.
  std::string support_token() {
    ProcessResult token = admin_cli("token create --role support --json");
    EXPECT_EQ(token.exit_code, 0) << token.out;
    return json_of(token).value("token", "");
  }

  IssuedKey license(const std::string& flags) {
    ProcessResult created = admin_cli("license create --product acme-cad " + flags + " --json");
    EXPECT_EQ(created.exit_code, 0) << created.out;
    const auto json = json_of(created);
    return {json.value("id", ""), json.value("key", "")};
  }
  IssuedKey floating(const std::string& flags) { return license("--model floating " + flags); }

  // `nodelock admin users <words> --license <license_id>`.
  ProcessResult users(const std::string& license_id, const std::string& words,
                      const std::string& token = "") {
    return admin_cli("users " + words + " --license " + license_id, token);
  }

  // The audit log's entries of `action`, oldest first.
  std::vector<nlohmann::json> audit_entries(const std::string& action) {
    std::vector<nlohmann::json> found;
    const nlohmann::json log = json_of(admin_cli("audit list --json"));
    for (const auto& entry : log["entries"]) {
      if (entry["action"] == action) found.push_back(entry);
    }
    return found;
  }

  // With the client commands: `nodelock <words>` on `machine`, with --json.
  ProcessResult on(const Machine& machine, const std::string& words) {
    return run_shell(nodelock_binary().string() + " " + words + " --product acme-cad --store " +
                     machine.store.path().string() + " --sysroot " + machine.sysroot + " --json");
  }
  ProcessResult activate(const Machine& machine, const std::string& key) {
    return on(machine, "activate --server " + server_.url() + " --key " + key);
  }

  // `machine`'s next refresh is refused with `code`, and from then on its
  // status is `status` here, with `said` in its message.
  void expect_refused_from_now_on(const Machine& machine, const std::string& code,
                                  const std::string& said,
                                  const std::string& status_name = "revoked") {
    ProcessResult refused = on(machine, "refresh");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_EQ(json_of(refused)["error"]["code"], code) << refused.out;
    ProcessResult status = on(machine, "status");
    EXPECT_EQ(status.exit_code, 1);
    EXPECT_EQ(json_of(status)["status"], status_name);
    EXPECT_NE(json_of(status).value("message", "").find(said), std::string::npos) << status.out;
  }

  // `nodelock lease <words>` on `machine`; `merged`: stderr into the output.
  ProcessResult lease(const Machine& machine, const std::string& words, bool merged = false) {
    return run_shell(lease_command(machine, words, merged));
  }
  std::string lease_command(const Machine& machine, const std::string& words, bool merged) {
    const std::string command = nodelock_binary().string() + " lease " + words +
                                " --product acme-cad --store " + machine.store.path().string();
    return merged ? "(" + command + " 2>&1)" : command;
  }
  ProcessResult check_out(const Machine& machine, const std::string& key, bool merged = false) {
    return lease(machine,
                 "checkout --server " + server_.url() + " --key " + key + " --sysroot " +
                     machine.sysroot + (merged ? "" : " --json"),
                 merged);
  }
  // `nodelock lease checkout --user <user> <flags>` on `machine`, stderr merged.
  ProcessResult check_out_as(const Machine& machine, const std::string& key,
                             const std::string& user, const std::string& flags = "") {
    return run_shell(check_out_command(machine, key, "--user " + user + " " + flags));
  }
  // `nodelock lease checkout --wait <flags>` on `machine`, stderr merged.
  ProcessResult wait_for_seat(const Machine& machine, const std::string& key,
                              const std::string& flags) {
    return run_shell(check_out_command(machine, key, "--wait " + flags));
  }
  // `nodelock lease checkout <flags>` on `machine`, stderr merged, as a
  // command for run_shell or a ChildProcess.
  std::string check_out_command(const Machine& machine, const std::string& key,
                                const std::string& flags) {
    return lease_command(machine,
                         "checkout --server " + server_.url() + " --key " + key + " --sysroot " +
                             machine.sysroot + " " + flags,
                         true);
  }

  // Declared before the server, which reads it as it starts.
  ServerClock clock_;
  ServerProcess server_;

 private:
  ServerProcess::Options started_on(ServerTime time, ServerProcess::Options options) {
    if (time == ServerTime::test_clock) options.clock = &clock_;
    return options;
  }
};

}  // namespace nodelock::server::testing
