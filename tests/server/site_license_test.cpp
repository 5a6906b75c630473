// Site licenses against a real nodelock-server: any number of machines inside
// the site, counted and listed; machines outside refused with outside_site and
// nothing changed. The server sees its test clients at 127.0.0.1.
#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class SiteLicenseTest : public ServerTest {
 protected:
  // A site license of acme-cad for ACME with `site` fields added to the order.
  IssuedKey create_site(const nlohmann::json& site) {
    nlohmann::json order = {{"product", "acme-cad"}, {"model", "site"}, {"licensee", "ACME"}};
    order.update(site);
    Reply created = admin().post("/v1/licenses", order);
    EXPECT_EQ(created.status, 201) << created.body.dump();
    if (created.status != 201) return {};
    return {created.body["id"], created.body["key"]};
  }

  Reply activate_as(const TestMachine& machine, const IssuedKey& license,
                    const std::string& hostname = "workstation") {
    ActivationRequest request = machine.request(license.key, "acme-cad", unix_now());
    request.hostname = hostname;
    ApiClient client = anonymous();
    return activate(client, machine.sign(request));
  }

  std::size_t audit_entries() { return admin().get("/v1/audit").body["entries"].size(); }
};

TEST_F(SiteLicenseTest, MachinesInsideTheNetworksActivateWithoutALimitAndAreCounted) {
  const IssuedKey site = create_site({{"allowed_networks", {"10.0.0.0/8", "127.0.0.0/8"}}});
  std::vector<TestMachine> machines(12);
  for (const TestMachine& machine : machines) {
    Reply granted = activate_as(machine, site);
    ASSERT_EQ(granted.status, 200) << granted.body.dump();
    EXPECT_FALSE(granted.body["seats"].contains("max")) << granted.body.dump();
  }
  Reply details = license_details(site.id);
  EXPECT_EQ(details.body["seats"]["used"], 12);
  EXPECT_FALSE(details.body["seats"].contains("max"));
  EXPECT_EQ(details.body["activations"].size(), 12u);
  EXPECT_EQ(details.body["license"]["model"], "site");
  EXPECT_TRUE(details.body["license"]["max_activations"].is_null());
  EXPECT_EQ(details.body["license"]["site"]["networks"],
            nlohmann::json({"10.0.0.0/8", "127.0.0.0/8"}));

  Reply again = activate_as(machines[0], site);
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_TRUE(again.body["existing"].get<bool>()) << "re-activation is idempotent";
  EXPECT_EQ(again.body["seats"]["used"], 12);
}

TEST_F(SiteLicenseTest, AMachineOutsideTheNetworksIsRefusedNamingItsAddressAndNothingChanges) {
  const IssuedKey site = create_site({{"allowed_networks", {"10.0.0.0/8", "2001:db8::/32"}}});
  const std::size_t entries = audit_entries();
  const TestMachine machine;
  const std::string request = machine.activation_request(site.key, "acme-cad", unix_now());
  ApiClient client = anonymous();
  Reply refused = activate(client, request);
  ASSERT_EQ(refused.status, 403) << refused.body.dump();
  EXPECT_EQ(refused.code(), "outside_site");
  const std::string message = refused.body["error"]["message"];
  for (const char* named : {"127.0.0.1", "10.0.0.0/8, 2001:db8::/32", "ACME", "site network"}) {
    EXPECT_NE(message.find(named), std::string::npos) << named << " in: " << message;
  }
  EXPECT_EQ(license_details(site.id).body["seats"]["used"], 0);
  EXPECT_TRUE(license_details(site.id).body["activations"].empty());
  EXPECT_EQ(audit_entries(), entries);
  EXPECT_EQ(activate(client, request).code(), "outside_site")
      << "a refused request does not use up its nonce";
}

TEST_F(SiteLicenseTest, TheDomainAdmitsHostnamesUnderItOnLabelBoundaries) {
  const IssuedKey site = create_site({{"domain", "Corp.Example.com."}});
  EXPECT_EQ(license_details(site.id).body["license"]["site"]["domain"], "corp.example.com");
  EXPECT_EQ(activate_as(TestMachine(), site, "pc1.corp.example.com").status, 200);
  EXPECT_EQ(activate_as(TestMachine(), site, "PC2.CORP.EXAMPLE.COM.").status, 200);
  Reply evil = activate_as(TestMachine(), site, "pc3.evilcorp.example.com");
  EXPECT_EQ(evil.code(), "outside_site") << evil.body.dump();
  Reply short_name = activate_as(TestMachine(), site, "pc4");
  EXPECT_EQ(short_name.code(), "outside_site");
  const std::string message = short_name.body["error"]["message"];
  EXPECT_NE(message.find("pc4.corp.example.com"), std::string::npos) << message;
  EXPECT_EQ(license_details(site.id).body["seats"]["used"], 2);
}

TEST_F(SiteLicenseTest, WithBothConstraintsTheMatchSaysWhetherOneIsEnough) {
  const nlohmann::json outside_network_inside_domain = {{"allowed_networks", {"10.0.0.0/8"}},
                                                        {"domain", "corp.example.com"}};
  nlohmann::json all = outside_network_inside_domain;
  const IssuedKey strict = create_site(all);
  Reply refused = activate_as(TestMachine(), strict, "pc1.corp.example.com");
  EXPECT_EQ(refused.code(), "outside_site") << refused.body.dump();

  nlohmann::json any = outside_network_inside_domain;
  any["site_match"] = "any";
  const IssuedKey lenient = create_site(any);
  EXPECT_EQ(activate_as(TestMachine(), lenient, "pc1.corp.example.com").status, 200);
  Reply neither = activate_as(TestMachine(), lenient, "pc1.example.org");
  EXPECT_EQ(neither.code(), "outside_site");
  const std::string message = neither.body["error"]["message"];
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("pc1.example.org"), std::string::npos) << message;
}

TEST_F(SiteLicenseTest, AnOfflineOnlySiteTakesNoActivations) {
  const IssuedKey site = create_site({{"offline_only", true}});
  Reply refused = activate_as(TestMachine(), site);
  EXPECT_EQ(refused.code(), "outside_site");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("site-file"),
            std::string::npos)
      << refused.body.dump();
  EXPECT_EQ(license_details(site.id).body["seats"]["used"], 0);
}

TEST_F(SiteLicenseTest, BadSiteOrdersAreRefusedSayingWhyAndCreateNothing) {
  const std::size_t licenses = admin().get("/v1/licenses").body["licenses"].size();
  const std::size_t entries = audit_entries();
  const nlohmann::json base = {{"product", "acme-cad"}, {"model", "site"}};
  const auto refused = [&](const nlohmann::json& fields, const std::string& code,
                           const std::string& said) {
    nlohmann::json order = base;
    order.update(fields);
    Reply reply = admin().post("/v1/licenses", order);
    EXPECT_EQ(reply.code(), code) << order.dump() << " gave " << reply.body.dump();
    const std::string message = reply.body["error"].value("message", "");
    EXPECT_NE(message.find(said), std::string::npos) << said << " in: " << message;
  };
  refused({{"allowed_networks", {"10.0.0.0/33"}}}, "invalid_argument", "0 to 32");
  refused({{"allowed_networks", {"10.0.0.1/8"}}}, "invalid_argument", "host bits set");
  refused({{"allowed_networks", {"banana"}}}, "invalid_argument", "banana");
  refused({{"allowed_networks", {"10.0.0.0/8", "10.0.0.0/8"}}}, "invalid_argument", "twice");
  refused({{"allowed_networks", "10.0.0.0/8"}}, "malformed", "allowed_networks");
  refused({{"allowed_networks", {8}}}, "malformed", "allowed_networks");
  refused({{"domain", "evil corp"}}, "invalid_argument", "not a DNS domain");
  refused({{"domain", 7}}, "malformed", "domain");
  refused({{"domain", "corp.example.com"}, {"site_match", "most"}}, "malformed", "all or any");
  refused({{"offline_only", "yes"}}, "malformed", "offline_only");
  refused({{"domain", "corp.example.com"}, {"networks", {"10.0.0.0/8"}}}, "malformed", "networks");
  refused(nlohmann::json::object(), "invalid_argument", "offline-only");
  refused({{"domain", "corp.example.com"}, {"offline_only", true}}, "invalid_argument",
          "offline-only");
  refused({{"domain", "corp.example.com"}, {"max_activations", 5}}, "invalid_argument",
          "leave out max_activations");
  refused({{"model", "node-locked"}, {"max_activations", 5}, {"domain", "corp.example.com"}},
          "invalid_argument", "site licenses");
  EXPECT_EQ(admin().get("/v1/licenses").body["licenses"].size(), licenses);
  EXPECT_EQ(audit_entries(), entries);
}

TEST_F(SiteLicenseTest, ASiteLicenseHasNoLimitToChange) {
  const IssuedKey site = create_site({{"domain", "corp.example.com"}});
  Reply refused = admin().post("/v1/licenses/" + site.id + "/limit", {{"max_activations", 5}});
  EXPECT_EQ(refused.code(), "conflict") << refused.body.dump();
  EXPECT_TRUE(license_details(site.id).body["license"]["max_activations"].is_null());
}

TEST_F(SiteLicenseTest, TheCliCreatesASiteAndActivatesOnlyInsideIt) {
  ProcessResult inside = admin_cli(
      "license create --product acme-cad --model site --allowed-networks 127.0.0.0/8,::1/128 "
      "--licensee ACME --json");
  ASSERT_EQ(inside.exit_code, 0) << inside.out;
  const auto created = nlohmann::json::parse(inside.out, nullptr, false);
  ProcessResult outside = admin_cli(
      "license create --product acme-cad --model site --allowed-networks 10.0.0.0/8 --json");
  ASSERT_EQ(outside.exit_code, 0) << outside.out;
  const auto elsewhere = nlohmann::json::parse(outside.out, nullptr, false);
  EXPECT_EQ(admin_cli("license create --product acme-cad --model site --allowed-networks "
                      "10.0.0.1/8")
                .exit_code,
            2);

  TempDir store;
  const std::string machine = nodelock_binary().string() + " activate --server " + server_.url() +
                              " --product acme-cad --sysroot " + kDesktop + " --store " +
                              store.path().string() + " --key ";
  ProcessResult granted = run_shell(machine + created["key"].get<std::string>() + " --json");
  EXPECT_EQ(granted.exit_code, 0) << granted.out;
  ProcessResult refused = run_shell(machine + elsewhere["key"].get<std::string>() + " --json");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("outside_site"), std::string::npos) << refused.out;

  ProcessResult shown = admin_cli("license show " + created["id"].get<std::string>());
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.out.find("127.0.0.0/8"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("machines activated: 1"), std::string::npos) << shown.out;
}

}  // namespace
}  // namespace nodelock::server::testing
