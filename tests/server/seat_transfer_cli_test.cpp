// Seat transfers end to end: `nodelock admin transfer` moves a replaced
// machine's seat to its successor, on simulated machines against a real server.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "nodelock/crypto/utc_time.h"
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class SeatTransferTest : public ServerTest {
 protected:
  using ServerTest::ServerTest;

  void SetUp() override {
    ServerTest::SetUp();
    support_ = support_token();
  }

  // The machine ID `machine` shows its owner with `nodelock fingerprint`.
  std::string machine_id(const Machine& machine) {
    ProcessResult shown =
        run_shell(nodelock_binary().string() + " fingerprint --product acme-cad --sysroot " +
                  machine.sysroot + " --json");
    EXPECT_EQ(shown.exit_code, 0) << shown.out;
    return json_of(shown).value("machine_id", "");
  }

  std::string activation_of(const Machine& machine, const std::string& key) {
    ProcessResult activated = activate(machine, key);
    EXPECT_EQ(activated.exit_code, 0) << activated.out;
    return json_of(activated).value("activation_id", "");
  }

  ProcessResult transfer(const std::string& activation_id, const Machine& to,
                         const std::string& token, const std::string& extra = "") {
    return admin_cli("transfer --device " + activation_id + " --to-machine " + machine_id(to) +
                         " --json" + extra,
                     token);
  }

  static std::string message_of(const ProcessResult& run) {
    return json_of(run)["error"].value("message", "");
  }

  std::string support_;
};

TEST_F(SeatTransferTest, TheSeatGoesToTheNewMachineEvenOnAFullLicenseAndNoOtherMayTakeIt) {
  const IssuedKey key = license("--max-activations 1");
  const Machine old_machine{kLaptop, {}};
  const Machine new_machine{kDesktop, {}};
  const Machine third{kVirtualMachine, {}};
  const std::string old_activation = activation_of(old_machine, key.key);
  const std::string old_id = machine_id(old_machine);
  const std::string new_id = machine_id(new_machine);

  ProcessResult moved = transfer(old_activation, new_machine, support_);
  ASSERT_EQ(moved.exit_code, 0) << moved.out;
  EXPECT_EQ(json_of(moved)["transfer"]["to_machine_id"], new_id);
  EXPECT_EQ(json_of(moved)["transfer"]["from_machine_id"], old_id);

  ProcessResult stolen = activate(third, key.key);
  EXPECT_EQ(stolen.exit_code, 1) << "the held seat is not for a third machine";
  EXPECT_EQ(json_of(stolen)["error"]["code"], "activation_limit");
  EXPECT_NE(message_of(stolen).find("1 seat is held for machines support transferred them to"),
            std::string::npos)
      << stolen.out;

  const std::string new_activation = activation_of(new_machine, key.key);
  EXPECT_FALSE(new_activation.empty());
  EXPECT_EQ(activate(third, key.key).exit_code, 1) << "the license is full again";
  EXPECT_EQ(on(new_machine, "refresh").exit_code, 0);

  ProcessResult refused = on(old_machine, "refresh");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(json_of(refused)["error"]["code"], "seat_transferred") << refused.out;
  EXPECT_NE(message_of(refused).find(new_id), std::string::npos) << refused.out;
  ProcessResult status = on(old_machine, "status");
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_EQ(json_of(status)["status"], "revoked");
  const std::string said = json_of(status).value("message", "");
  EXPECT_NE(said.find("contact support"), std::string::npos) << status.out;
  EXPECT_NE(said.find(new_id), std::string::npos) << status.out;

  ProcessResult devices = admin_cli("devices --license " + key.id, support_);
  EXPECT_EQ(devices.exit_code, 0);
  EXPECT_NE(devices.out.find("transferred to " + new_id), std::string::npos) << devices.out;
  EXPECT_NE(devices.out.find("taken by " + new_activation), std::string::npos) << devices.out;
  EXPECT_NE(devices.out.find("transferred from " + old_id + " (" + old_activation + ")"),
            std::string::npos)
      << devices.out;

  const auto transfers = audit_entries("activation.transfer");
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0]["subject"], old_activation);
  EXPECT_EQ(transfers[0]["before"]["machine_id"], old_id);
  EXPECT_EQ(transfers[0]["after"]["to_machine_id"], new_id);
  EXPECT_EQ(transfers[0]["after"]["status"], "transferred");
  EXPECT_NE(transfers[0]["actor"], "device");
  bool arrival_recorded = false;
  for (const auto& created : audit_entries("activation.create")) {
    arrival_recorded = arrival_recorded || (created["subject"] == new_activation &&
                                            created["after"]["transferred_from"] == old_activation);
  }
  EXPECT_TRUE(arrival_recorded);
}

TEST_F(SeatTransferTest, BeyondTheYearlyLimitOrWithinTheCooldownOnlyAnAdminMayTransfer) {
  const IssuedKey key =
      license("--max-activations 3 --max-transfers-per-year 1 --transfer-cooldown-days 30");
  const Machine laptop{kLaptop, {}};
  const Machine vm{kVirtualMachine, {}};
  const Machine desktop{kDesktop, {}};
  const Machine cloud{kCloud, {}};
  const std::string laptop_seat = activation_of(laptop, key.key);
  const std::string vm_seat = activation_of(vm, key.key);
  ASSERT_EQ(transfer(laptop_seat, desktop, support_).exit_code, 0);

  const std::string next_year_before = utc_date(unix_now() + 365 * 86400);
  ProcessResult over_limit = transfer(vm_seat, cloud, support_);
  const std::string next_year_after = utc_date(unix_now() + 365 * 86400);
  EXPECT_EQ(over_limit.exit_code, 1);
  EXPECT_EQ(json_of(over_limit)["error"]["code"], "forbidden");
  const std::string limit_message = message_of(over_limit);
  EXPECT_NE(limit_message.find("allows 1 seat transfer in 365 days and 1 was made"),
            std::string::npos)
      << limit_message;
  EXPECT_TRUE(limit_message.find(next_year_before) != std::string::npos ||
              limit_message.find(next_year_after) != std::string::npos)
      << limit_message;
  EXPECT_NE(limit_message.find("--override"), std::string::npos);

  const std::string desktop_seat = activation_of(desktop, key.key);
  const std::string cooled_before = utc_date(unix_now() + 30 * 86400);
  ProcessResult too_soon = transfer(desktop_seat, cloud, support_);
  const std::string cooled_after = utc_date(unix_now() + 30 * 86400);
  EXPECT_EQ(too_soon.exit_code, 1);
  const std::string cooldown_message = message_of(too_soon);
  EXPECT_NE(cooldown_message.find("30 days after its last transfer"), std::string::npos)
      << cooldown_message;
  EXPECT_TRUE(cooldown_message.find(cooled_before) != std::string::npos ||
              cooldown_message.find(cooled_after) != std::string::npos)
      << cooldown_message;

  ProcessResult support_override = transfer(desktop_seat, cloud, support_, " --override");
  EXPECT_EQ(support_override.exit_code, 1);
  EXPECT_EQ(json_of(support_override)["error"]["code"], "forbidden");
  EXPECT_EQ(license_details(key.id).body["seats"]["used"], 2) << "nothing changed";

  ProcessResult overridden = transfer(desktop_seat, cloud, "", " --override");
  EXPECT_EQ(overridden.exit_code, 0) << overridden.out;
  EXPECT_EQ(activate(cloud, key.key).exit_code, 0);
  // The audit log tells the exception from the ordinary transfer: which
  // limits were set aside, and by whom.
  const auto transfers = audit_entries("activation.transfer");
  ASSERT_EQ(transfers.size(), 2u);
  EXPECT_FALSE(transfers[0]["after"].contains("override")) << transfers[0].dump();
  EXPECT_EQ(transfers[1]["after"]["override"]["limits"],
            nlohmann::json({"transfer_cooldown_days", "max_transfers_per_year"}))
      << transfers[1].dump();
  EXPECT_EQ(transfers[1]["after"]["override"]["by"], transfers[1]["actor"]);
  EXPECT_NE(transfers[1]["actor"], transfers[0]["actor"]) << "an admin, not support";
}

TEST_F(SeatTransferTest, RefusesViewersSeatsNotActiveMachinesAlreadySeatedAndBadMachineIds) {
  const IssuedKey key = license("--max-activations 3");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine vm{kVirtualMachine, {}};
  const std::string seat = activation_of(laptop, key.key);
  const std::string desktop_seat = activation_of(desktop, key.key);
  ASSERT_FALSE(desktop_seat.empty());

  const std::string viewer = json_of(admin_cli("token create --role viewer --json"))["token"];
  ProcessResult as_viewer = transfer(seat, vm, viewer);
  EXPECT_EQ(as_viewer.exit_code, 1);
  EXPECT_EQ(json_of(as_viewer)["error"]["code"], "forbidden");

  ProcessResult seated = transfer(seat, desktop, support_);
  EXPECT_EQ(seated.exit_code, 1);
  EXPECT_EQ(json_of(seated)["error"]["code"], "conflict") << seated.out;
  ASSERT_EQ(admin_cli("reset --device " + desktop_seat, support_).exit_code, 0);
  ProcessResult reset_seat = transfer(desktop_seat, vm, support_);
  EXPECT_EQ(reset_seat.exit_code, 1);
  EXPECT_EQ(json_of(reset_seat)["error"]["code"], "conflict");
  EXPECT_NE(message_of(reset_seat).find("was reset by support, so its seat is already free"),
            std::string::npos)
      << reset_seat.out;
  EXPECT_NE(message_of(reset_seat).find("run `nodelock activate`"), std::string::npos);
  ProcessResult itself = transfer(seat, laptop, support_);
  EXPECT_EQ(itself.exit_code, 2) << itself.out;
  ProcessResult not_an_id =
      admin_cli("transfer --device " + seat + " --to-machine NL-1234 --json", support_);
  EXPECT_EQ(not_an_id.exit_code, 2);
  EXPECT_NE(message_of(not_an_id).find("nodelock fingerprint"), std::string::npos);
  EXPECT_EQ(admin_cli("transfer --device " + seat, support_).exit_code, 2);
  EXPECT_EQ(admin_cli("transfer --to-machine " + machine_id(vm), support_).exit_code, 2);
  ProcessResult unknown = transfer("act_nothing", vm, support_);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(json_of(unknown)["error"]["code"], "not_found");
  EXPECT_TRUE(audit_entries("activation.transfer").empty()) << "nothing changed";

  // Read out over the phone: lower case, O for 0 and no dashes still name it.
  std::string spoken = machine_id(vm);
  for (char& c : spoken) c = static_cast<char>(c == '0' ? 'o' : std::tolower(c));
  spoken.erase(std::remove(spoken.begin(), spoken.end(), '-'), spoken.end());
  ProcessResult moved =
      admin_cli("transfer --device " + seat + " --to-machine " + spoken + " --json", support_);
  ASSERT_EQ(moved.exit_code, 0) << moved.out;
  EXPECT_EQ(json_of(moved)["transfer"]["to_machine_id"], machine_id(vm));
  ProcessResult again = transfer(seat, vm, support_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(json_of(again)["error"]["code"], "conflict") << again.out;
  EXPECT_NE(message_of(again).find("already transferred to " + machine_id(vm)), std::string::npos);
  ProcessResult reset = admin_cli("reset --device " + seat + " --json", support_);
  EXPECT_EQ(json_of(reset)["error"]["code"], "conflict") << "a transferred seat is already free";
}

TEST_F(SeatTransferTest, BadTransferBodiesAreRefusedAndChangeNothing) {
  const IssuedKey key = license("--max-activations 2");
  const Machine laptop{kLaptop, {}};
  const std::string seat = activation_of(laptop, key.key);
  ApiClient support(server_.url(), support_);
  const std::string path = "/v1/activations/" + seat + "/transfer";
  const std::string target = machine_id(Machine{kDesktop, {}});
  for (const nlohmann::json& body :
       {nlohmann::json::object(), nlohmann::json{{"to_machine_id", 7}},
        nlohmann::json{{"to_machine_id", target}, {"override", "yes"}},
        nlohmann::json{{"to_machine_id", target}, {"machine", target}},
        nlohmann::json{{"to_machine_id", nlohmann::json::array({target})}}}) {
    Reply refused = support.post(path, body);
    EXPECT_EQ(refused.status, 400) << body.dump();
    EXPECT_EQ(refused.code(), "malformed") << body.dump();
  }
  EXPECT_EQ(support.post_raw(path, "{\"to_machine_id\":").code(), "malformed");
  EXPECT_EQ(support.post_raw(path, "[]").code(), "malformed");
  EXPECT_EQ(support.post(path, {{"to_machine_id", "NL-ZZZZ"}}).code(), "invalid_argument");
  EXPECT_EQ(support.post(path, {{"to_machine_id", std::string(100000, 'N')}}).status, 413);
  EXPECT_EQ(
      support.post("/v1/activations/act_nothing/transfer", {{"to_machine_id", target}}).code(),
      "not_found");
  EXPECT_EQ(anonymous().post(path, {{"to_machine_id", target}}).status, 401);

  EXPECT_EQ(license_details(key.id).body["activations"][0]["status"], "active");
  EXPECT_EQ(license_details(key.id).body["seats"]["used"], 1);
  EXPECT_TRUE(audit_entries("activation.transfer").empty());
}

// A server on the test clock that holds a transferred seat for two seconds only.
class SeatHoldTest : public SeatTransferTest {
 protected:
  SeatHoldTest()
      : SeatTransferTest(ServerProcess::Options{{}, {"--transfer-hold", "2"}},
                         ServerTime::test_clock) {}
};

TEST_F(SeatHoldTest, ASeatTheNewMachineNeverTakesIsFreedWhenItsHoldLapses) {
  const IssuedKey key = license("--max-activations 1");
  const Machine old_machine{kLaptop, {}};
  const Machine new_machine{kDesktop, {}};
  const Machine third{kVirtualMachine, {}};
  ASSERT_EQ(transfer(activation_of(old_machine, key.key), new_machine, support_).exit_code, 0);
  EXPECT_EQ(activate(third, key.key).exit_code, 1);
  clock_.advance(std::chrono::seconds(3));
  ProcessResult freed = activate(third, key.key);
  EXPECT_EQ(freed.exit_code, 0) << "no seat is lost to a machine that never came: " << freed.out;
  ProcessResult late = activate(new_machine, key.key);
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_EQ(json_of(late)["error"]["code"], "activation_limit");
}

// A server on the test clock that reclaims idle seats every second of it.
class SeatTransferReclaimTest : public SeatTransferTest {
 protected:
  SeatTransferReclaimTest()
      : SeatTransferTest(ServerProcess::Options{{}, {"--reclaim-interval", "1"}},
                         ServerTime::test_clock) {}
};

TEST_F(SeatTransferReclaimTest, ReclamationLeavesTransfersAndHeldSeatsAloneAndFreesNoneTwice) {
  const IssuedKey key = license("--max-activations 2 --reclaim-after 4s");
  const Machine laptop{kLaptop, {}};
  const Machine desktop{kDesktop, {}};
  const Machine vm{kVirtualMachine, {}};
  const Machine cloud{kCloud, {}};
  const std::string moved = activation_of(laptop, key.key);
  const std::string idle = activation_of(desktop, key.key);
  ASSERT_EQ(transfer(moved, vm, support_).exit_code, 0);
  clock_.advance(std::chrono::seconds(5));

  ProcessResult reclaimed;
  for (int attempt = 0; attempt < 40; ++attempt) {
    reclaimed = admin_cli("devices --license " + key.id + " --state reclaimed", support_);
    if (reclaimed.out.find(idle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_NE(reclaimed.out.find(idle), std::string::npos) << reclaimed.out;
  EXPECT_EQ(reclaimed.out.find(moved), std::string::npos) << "a transferred seat is not reclaimed";
  ProcessResult transferred =
      admin_cli("devices --license " + key.id + " --state transferred", support_);
  EXPECT_EQ(transferred.exit_code, 0);
  EXPECT_NE(transferred.out.find(moved), std::string::npos) << transferred.out;
  EXPECT_NE(transferred.out.find("transferred to " + machine_id(vm)), std::string::npos);
  EXPECT_EQ(transferred.out.find(idle), std::string::npos) << transferred.out;

  // The reclaimed seat is free and the held one still taken: one new machine fits.
  ASSERT_EQ(activate(cloud, key.key).exit_code, 0);
  ProcessResult full = activate(laptop, key.key);
  EXPECT_EQ(json_of(full)["error"]["code"], "activation_limit") << full.out;
  EXPECT_NE(message_of(full).find("1 seat is held"), std::string::npos) << full.out;
  EXPECT_EQ(activate(vm, key.key).exit_code, 0) << "the machine the seat was moved to takes it";

  ProcessResult again = transfer(idle, laptop, support_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(json_of(again)["error"]["code"], "conflict");
  EXPECT_NE(message_of(again).find("was reclaimed by the server"), std::string::npos) << again.out;
  EXPECT_NE(message_of(again).find("already free"), std::string::npos) << again.out;
  EXPECT_EQ(audit_entries("activation.transfer").size(), 1u);
}

}  // namespace
}  // namespace nodelock::server::testing
