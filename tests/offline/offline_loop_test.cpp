// The whole air-gapped loop through the CLI: request, respond, install, status,
// deactivate and the receipt, with the site's machines never on a network.
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OfflineLoop : public OfflineTest {
 protected:
  json activations(const std::string& license_id) {
    return admin().get("/v1/licenses/" + license_id + "/activations").body["activations"];
  }
};

TEST_F(OfflineLoop, TheSiteSideHasNoRouteToTheServer) {
  const ProcessResult listed = air_gapped(
      {"admin", "product", "list", "--server", server_.url(), "--token", server_.admin_token()});
  EXPECT_EQ(listed.exit_code, 3) << "the air-gapped commands would not prove anything: "
                                 << listed.out << listed.err;
}

TEST_F(OfflineLoop, AirGappedMachineActivatesAndDeactivatesByCarryingFiles) {
  const IssuedKey license = create_license({{"max_activations", 3}});
  const SiteMachine laptop = machine("laptop-wifi-docker");

  request(laptop, license.key, file("cad-07.nlreq"));
  EXPECT_TRUE(fs::exists(laptop.store / kProduct / "pending.nlreq"));
  const std::string request_text = read_text(file("cad-07.nlreq"));
  EXPECT_TRUE(contains(request_text, "-----BEGIN NODELOCK ACTIVATION REQUEST-----\n"));
  EXPECT_TRUE(contains(request_text, "\nProduct: acme-cad\n"));
  EXPECT_TRUE(contains(request_text, "\nKey: ...-" + license.key.substr(24) + "\n"));
  EXPECT_TRUE(contains(request_text, "\nMachine: NL-"));
  EXPECT_TRUE(contains(request_text, "\nCreated: 20"));
  EXPECT_EQ(request_text.find(license.key), std::string::npos) << "the whole key is readable";

  const ProcessResult inspected = air_gapped({"offline", "inspect", file("cad-07.nlreq").string()});
  EXPECT_EQ(inspected.exit_code, 0) << inspected.err;
  EXPECT_TRUE(contains(inspected.out, "ACTIVATION REQUEST")) << inspected.out;
  EXPECT_TRUE(contains(inspected.out, "Signature:  valid")) << inspected.out;
  EXPECT_EQ(seats_used(license.id), 0);

  respond(file("cad-07.nlreq"), file("cad-07.nlres"));
  EXPECT_EQ(seats_used(license.id), 1);
  EXPECT_EQ(activations(license.id)[0]["mode"], "offline");

  install(laptop, file("cad-07.nlres"));
  EXPECT_FALSE(fs::exists(laptop.store / kProduct / "pending.nlreq"));
  const ProcessResult status = air_gapped(on(laptop, {"status"}));
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "License valid for acme-cad")) << status.out;
  const ProcessResult inspected_response =
      air_gapped({"offline", "inspect", file("cad-07.nlres").string()});
  EXPECT_EQ(inspected_response.exit_code, 0) << inspected_response.err;
  EXPECT_TRUE(contains(inspected_response.out, "Vendor-Key: ")) << inspected_response.out;

  const ProcessResult deactivated =
      air_gapped(on(laptop, {"offline", "deactivate", "--out", file("cad-07.nldeact").string()}));
  ASSERT_EQ(deactivated.exit_code, 0) << deactivated.err;
  EXPECT_FALSE(fs::exists(laptop.store / kProduct / "license.nllic"));
  EXPECT_FALSE(fs::exists(laptop.store / kProduct / "device.key"));
  EXPECT_EQ(air_gapped(on(laptop, {"status"})).exit_code, 1);
  EXPECT_EQ(seats_used(license.id), 1) << "a receipt not yet submitted frees nothing";

  const ProcessResult freed = submit_receipt(file("cad-07.nldeact"));
  EXPECT_EQ(freed.exit_code, 0) << freed.err;
  EXPECT_TRUE(contains(freed.out, "Freed the seat")) << freed.out;
  EXPECT_EQ(seats_used(license.id), 0);
}

TEST_F(OfflineLoop, InspectShowsARequestsKeyByItsLastGroupOnly) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  request(machine("laptop-wifi-docker"), license.key, file("r.nlreq"));
  const std::string masked = "...-" + license.key.substr(24);

  const ProcessResult people = connected({"offline", "inspect", file("r.nlreq").string()});
  EXPECT_EQ(people.exit_code, 0) << people.err;
  EXPECT_TRUE(contains(people.out, "Signature:  valid")) << people.out;
  EXPECT_TRUE(contains(people.out, "\"key\": \"" + masked + "\"")) << people.out;
  EXPECT_FALSE(contains(people.out, license.key)) << "the whole key is shown";

  const ProcessResult machine_readable =
      connected({"offline", "inspect", file("r.nlreq").string(), "--json"});
  EXPECT_EQ(machine_readable.exit_code, 0) << machine_readable.err;
  EXPECT_EQ(json::parse(machine_readable.out)["payload"]["key"], masked);
  EXPECT_FALSE(contains(machine_readable.out, license.key)) << "the whole key is shown";
}

TEST_F(OfflineLoop, RespondAlsoTakesADeactivationReceipt) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine desktop = machine("desktop-two-nics");
  request(desktop, license.key, file("r.nlreq"));
  respond(file("r.nlreq"), file("r.nlres"));
  install(desktop, file("r.nlres"));
  ASSERT_EQ(air_gapped(on(desktop, {"offline", "deactivate", "--out", file("r.nldeact").string()}))
                .exit_code,
            0);
  const ProcessResult freed =
      connected({"offline", "respond", file("r.nldeact").string(), "--server", server_.url(),
                 "--token", server_.admin_token()});
  EXPECT_EQ(freed.exit_code, 0) << freed.err;
  EXPECT_EQ(seats_used(license.id), 0);
}

TEST_F(OfflineLoop, AnsweringTheSameRequestTwiceGivesTheSameSeat) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  respond(file("a.nlreq"), file("first.nlres"));
  respond(file("a.nlreq"), file("second.nlres"));
  EXPECT_EQ(seats_used(license.id), 1);
  ASSERT_EQ(activations(license.id).size(), 1u);

  const ProcessResult first =
      connected({"offline", "inspect", file("first.nlres").string(), "--json"});
  const ProcessResult second =
      connected({"offline", "inspect", file("second.nlres").string(), "--json"});
  const json first_payload = json::parse(first.out)["payload"];
  const json second_payload = json::parse(second.out)["payload"];
  EXPECT_EQ(first_payload["activation_id"], second_payload["activation_id"]);
  EXPECT_EQ(first_payload["request_nonce"], second_payload["request_nonce"]);
  // Either copy answers the machine's request.
  install(laptop, file("second.nlres"));
  EXPECT_EQ(air_gapped(on(laptop, {"status"})).exit_code, 0);
}

TEST_F(OfflineLoop, OfflineAndOnlineActivationsShareOneSeatCount) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  const SiteMachine online = machine("desktop-two-nics");
  const ProcessResult activated =
      connected(on(online, {"activate", "--server", server_.url(), "--key", license.key}));
  ASSERT_EQ(activated.exit_code, 0) << activated.err;
  const SiteMachine offline = machine("laptop-wifi-docker");
  request(offline, license.key, file("second.nlreq"));
  respond(file("second.nlreq"), file("second.nlres"));
  EXPECT_EQ(seats_used(license.id), 2);

  const SiteMachine third = machine("cloud-nvme");
  request(third, license.key, file("third.nlreq"));
  const ProcessResult refused_offline = respond_run(file("third.nlreq"), file("third.nlres"));
  EXPECT_EQ(refused_offline.exit_code, 1);
  EXPECT_TRUE(contains(refused_offline.err, "No activations left: 2 of 2")) << refused_offline.err;
  EXPECT_FALSE(fs::exists(file("third.nlres")));
  const ProcessResult refused_online =
      connected(on(third, {"activate", "--server", server_.url(), "--key", license.key}));
  EXPECT_EQ(refused_online.exit_code, 1);
  EXPECT_TRUE(contains(refused_online.err, "No activations left: 2 of 2")) << refused_online.err;
  EXPECT_EQ(seats_used(license.id), 2);
}

TEST_F(OfflineLoop, RenewalOfATermLicenseTravelsTheSameWayAndKeepsItsSeat) {
  const IssuedKey license =
      create_license({{"max_activations", 1}, {"expires", "2099-12-31"}, {"refresh_days", 30}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("a.nlreq"));
  respond(file("a.nlreq"), file("a.nlres"));
  install(laptop, file("a.nlres"));

  const ProcessResult renewal = air_gapped(on(
      laptop, {"offline", "request", "--renew", "--out", file("renew.nlreq").string(), "--json"}));
  ASSERT_EQ(renewal.exit_code, 0) << renewal.err;
  const std::string renewal_nonce = json::parse(renewal.out)["nonce"];
  EXPECT_EQ(air_gapped(on(laptop, {"status"})).exit_code, 0)
      << "a pending renewal leaves the installed license in use";
  respond(file("renew.nlreq"), file("renew.nlres"));
  respond(file("renew.nlreq"), file("renew-again.nlres"));
  install(laptop, file("renew.nlres"));
  EXPECT_EQ(seats_used(license.id), 1);

  const ProcessResult status = air_gapped(on(laptop, {"status", "--json"}));
  EXPECT_EQ(status.exit_code, 0) << status.err;
  const json first = json::parse(
      connected({"offline", "inspect", file("a.nlres").string(), "--json"}).out)["payload"];
  const json renewed = json::parse(
      connected({"offline", "inspect", file("renew.nlres").string(), "--json"}).out)["payload"];
  EXPECT_EQ(renewed["activation_id"], first["activation_id"]);
  EXPECT_EQ(renewed["fingerprint"], first["fingerprint"]);
  EXPECT_EQ(renewed["device_public_key"], first["device_public_key"]);
  EXPECT_EQ(renewed["request_nonce"], renewal_nonce);
  EXPECT_EQ(renewed["expires_at"], first["expires_at"]);
  EXPECT_GE(renewed["refresh_by"].get<std::int64_t>(), first["refresh_by"].get<std::int64_t>());
}

}  // namespace
}  // namespace nodelock::offline::testing
