// A running nodelock-server and the `nodelock lease` CLI on simulated
// machines, as scripts on floating clients run it.
#pragma once

#include <string>

#include "admin_cli_fixture.h"
#include "fixture_hosts.h"

namespace nodelock::server::testing {

class FloatingCliTest : public AdminCliTest {
 protected:
  IssuedKey floating(const std::string& flags) {
    CliRun created =
        admin_cli("license create --product acme-cad --model floating " + flags + " --json");
    EXPECT_EQ(created.exit_code, 0) << created.out;
    const auto json = json_of(created);
    return {json.value("id", ""), json.value("key", "")};
  }

  // `nodelock lease <words>` on `machine`; `merged`: stderr into the output.
  CliRun lease(const Machine& machine, const std::string& words, bool merged = false) {
    const std::string command = cli_binary().string() + " lease " + words +
                                " --product acme-cad --store " + machine.store.path().string();
    return run_command(merged ? "(" + command + " 2>&1)" : command);
  }
  CliRun check_out(const Machine& machine, const std::string& key, bool merged = false) {
    return lease(machine,
                 "checkout --server " + server_.url() + " --key " + key + " --sysroot " +
                     machine.sysroot + (merged ? "" : " --json"),
                 merged);
  }
  // `nodelock lease checkout --user <user> <flags>` on `machine`, stderr merged.
  CliRun check_out_as(const Machine& machine, const std::string& key, const std::string& user,
                      const std::string& flags = "") {
    return lease(machine,
                 "checkout --server " + server_.url() + " --key " + key + " --sysroot " +
                     machine.sysroot + " --user " + user + " " + flags,
                 true);
  }
  // `nodelock admin users <words> --license <license_id>`.
  CliRun users(const std::string& license_id, const std::string& words,
               const std::string& token = "") {
    return admin_cli("users " + words + " --license " + license_id, token);
  }
  // `nodelock lease checkout --wait <flags>` on `machine`, stderr merged.
  CliRun wait_for_seat(const Machine& machine, const std::string& key, const std::string& flags) {
    return lease(machine,
                 "checkout --server " + server_.url() + " --key " + key + " --sysroot " +
                     machine.sysroot + " --wait " + flags,
                 true);
  }
};

}  // namespace nodelock::server::testing
