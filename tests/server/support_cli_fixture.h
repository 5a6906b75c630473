// Support requests end to end: the built `nodelock` on simulated machines
// (fixture system trees) and `nodelock admin` with a support token against a
// real server.
#pragma once

#include <string>
#include <vector>

#include "admin_cli_fixture.h"
#include "fixture_hosts.h"

namespace nodelock::server::testing {

class SupportCliTest : public AdminCliTest {
 protected:
  using AdminCliTest::AdminCliTest;

  void SetUp() override {
    AdminCliTest::SetUp();
    CliRun token = admin_cli("token create --role support --json");
    ASSERT_EQ(token.exit_code, 0);
    support_ = json_of(token)["token"];
  }

  // `nodelock <words>` on `machine`, with --json.
  CliRun on(const Machine& machine, const std::string& words) {
    return run_command(cli_binary().string() + " " + words + " --product acme-cad --store " +
                       machine.store.path().string() + " --sysroot " + machine.sysroot + " --json");
  }
  CliRun activate(const Machine& machine, const std::string& key) {
    return on(machine, "activate --server " + server_.url() + " --key " + key);
  }

  // `machine`'s next refresh is refused with `code`, and from then on its
  // status says the license is revoked here, with `said` in its message.
  void expect_refused_from_now_on(const Machine& machine, const std::string& code,
                                  const std::string& said) {
    CliRun refused = on(machine, "refresh");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_EQ(json_of(refused)["error"]["code"], code) << refused.out;
    CliRun status = on(machine, "status");
    EXPECT_EQ(status.exit_code, 1);
    EXPECT_EQ(json_of(status)["status"], "revoked");
    EXPECT_NE(json_of(status).value("message", "").find(said), std::string::npos) << status.out;
  }

  IssuedKey license(const std::string& flags) {
    CliRun created = admin_cli("license create --product acme-cad " + flags + " --json");
    EXPECT_EQ(created.exit_code, 0) << created.out;
    const auto json = json_of(created);
    return {json.value("id", ""), json.value("key", "")};
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

  std::string support_;
};

}  // namespace nodelock::server::testing
