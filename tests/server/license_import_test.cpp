// License import and export through `nodelock admin license import|export`
// against a real server: all or nothing, every bad line reported, imported keys
// working, and the export read back in the same format.
#include <fstream>
#include <map>
#include <vector>

#include "license_import_fixture.h"
#include "nodelock/activation/license_key.h"

namespace nodelock::server::testing {
namespace {

using nlohmann::json;

TEST_F(LicenseImportTest, ACsvFileIsImportedWithItsUsersAndTheImportedKeyActivates) {
  const LicenseKey typed = LicenseKey::generate();
  const std::string path = write("licenses.csv",
                                 "v,product,licensee,max_activations,expires,features,key,users\r\n"
                                 "1,acme-cad,\"Example, Ltd\",3,2099-12-31,\"export,render\"," +
                                     typed.text() + ",\"anna@example.com:1,Bob@Example.com\"\r\n");
  const ProcessResult imported = import(path);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const json reply = json::parse(imported.out);
  EXPECT_EQ(reply["imported"], 1);
  const std::string id = reply["licenses"][0]["id"];

  const json details = admin().get("/v1/licenses/" + id).body["license"];
  EXPECT_EQ(details["licensee"], "Example, Ltd");
  EXPECT_EQ(details["max_activations"], 3);
  EXPECT_EQ(details["term"], "subscription");
  EXPECT_EQ(details["features"], json::array({"export", "render"}));
  const json users = admin().get("/v1/licenses/" + id + "/users").body["users"];
  ASSERT_EQ(users.size(), 2u) << users.dump();

  // The key from the other system activates, for a named user.
  ApiClient client(server_.url());
  const TestMachine machine;
  ActivationRequest request = machine.request(typed.text(), "acme-cad", unix_now());
  request.user = "anna@example.com";
  const Reply granted = activate(client, machine.sign(request));
  EXPECT_EQ(granted.status, 200) << granted.body.dump();

  bool audited = false;
  const json log = admin().get("/v1/audit").body["entries"];
  for (const json& entry : log) {
    if (entry["action"] == "license.import" && entry["subject"] == id) audited = true;
  }
  EXPECT_TRUE(audited) << "every imported license has its audit entry";
}

TEST_F(LicenseImportTest, EveryBadRowIsReportedByItsLineAndNothingIsImported) {
  const std::size_t audit_before = audit_size();
  const std::string path = write("bad.csv",
                                 "v,product,licensee,max_activations,key\n"
                                 "1,acme-cad,good,2," +
                                     LicenseKey::generate().text() +
                                     "\n"  // line 2: good
                                     "1,acme-cad,\"two\nlines\",2," +
                                     LicenseKey::generate().text() +
                                     "\n"  // lines 3-4
                                     "1,acme-cad,x,ten," +
                                     LicenseKey::generate().text() +
                                     "\n"  // line 5
                                     "1,no-such-product,x,2," +
                                     LicenseKey::generate().text() +
                                     "\n"                          // line 6
                                     "1,acme-cad,x,2,NOT-A-KEY\n"  // line 7
                                     "2,acme-cad,x,2," +
                                     LicenseKey::generate().text() + "\n");  // line 8
  const ProcessResult refused = import(path);
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  const std::string message = message_of(refused);
  EXPECT_TRUE(contains(message, "line 3: licensee must be")) << message;
  EXPECT_TRUE(contains(
      message, "line 5: max_activations takes a whole number from 0 to 1000000000; got 'ten'."))
      << message;
  EXPECT_TRUE(contains(message, "line 6: no product 'no-such-product'")) << message;
  EXPECT_TRUE(contains(message, "line 7: ")) << message;
  EXPECT_TRUE(contains(message, "line 8: v must be 1")) << message;
  EXPECT_FALSE(contains(message, "line 2:")) << "the good row is not reported: " << message;
  EXPECT_TRUE(licenses().empty()) << "all or nothing";
  EXPECT_EQ(audit_size(), audit_before);
}

TEST_F(LicenseImportTest, DuplicateKeysInTheFileAndOnTheServerAreReported) {
  const IssuedKey existing = create_license({{"max_activations", 1}});
  const std::string twice = LicenseKey::generate().text();
  const std::string path =
      write("dup.json", std::string("[\n") +
                            "  {\"v\": 1, \"product\": \"acme-cad\", \"max_activations\": 2,\n"
                            "   \"key\": \"" +
                            twice +
                            "\"},\n"
                            "  {\"v\": 1, \"product\": \"acme-cad\", \"max_activations\": 2,\n"
                            "   \"key\": \"" +
                            twice +
                            "\"},\n"
                            "  {\"v\": 1, \"product\": \"acme-cad\", \"max_activations\": 2,\n"
                            "   \"key\": \"" +
                            existing.key + "\"}\n]\n");
  const ProcessResult refused = import(path);
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  const std::string message = message_of(refused);
  EXPECT_TRUE(contains(message, "line 4: key ...-" + twice.substr(24) + " is also on line 2"))
      << message;
  EXPECT_TRUE(contains(message, "line 6: key ...-" + existing.key.substr(24) +
                                    " is already on license " + existing.id))
      << message;
  EXPECT_EQ(licenses().size(), 1u);
}

TEST_F(LicenseImportTest, AnExportIsReadBackInTheSameFormatWithKeyHashesNotKeys) {
  const IssuedKey made =
      create_license({{"max_activations", 4}, {"licensee", "A \"quoted\" name"}});
  ASSERT_EQ(
      admin().post("/v1/licenses/" + made.id + "/users", {{"email", "anna@example.com"}}).status,
      201);
  for (const char* name : {"out.csv", "out.json"}) {
    const std::string out = (dir_.path() / name).string();
    const ProcessResult exported = admin_cli("license export --out " + out + " --product acme-cad");
    ASSERT_EQ(exported.exit_code, 0) << exported.out;
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(contains(text, made.key)) << "the server never has the key";
    EXPECT_TRUE(contains(text, made.key.substr(24))) << text;
    EXPECT_TRUE(contains(text, "anna@example.com")) << text;
    // Read back: the same server already holds every key, and says so by line.
    const ProcessResult again = import(out);
    EXPECT_EQ(again.exit_code, 4) << again.out;
    EXPECT_TRUE(contains(message_of(again), "is already on license " + made.id))
        << message_of(again);
  }
}

// A licensee a spreadsheet would run as a formula is exported as text, and
// another server reads it back as it was typed.
TEST_F(LicenseImportTest, ALicenseeThatLooksLikeAFormulaIsExportedAsTextAndReadBackAsTyped) {
  const std::string formula = "=HYPERLINK(\"http://evil.example\",\"Acme\")";
  const IssuedKey made = create_license({{"max_activations", 1}, {"licensee", formula}});
  const std::string out = (dir_.path() / "out.csv").string();
  ASSERT_EQ(admin_cli("license export --out " + out).exit_code, 0);
  const std::string text = read_text(out);
  EXPECT_TRUE(contains(text, "\"'=HYPERLINK(")) << text;
  EXPECT_FALSE(contains(text, ",=HYPERLINK(") || contains(text, ",\"=HYPERLINK(")) << text;
  ServerProcess other;
  ApiClient other_admin(other.url(), other.admin_token());
  const ProcessResult moved = import_into(other, out, " --new-keys");
  ASSERT_EQ(moved.exit_code, 0) << moved.out;
  EXPECT_EQ(other_admin.get("/v1/licenses/" + made.id).body["license"]["licensee"], formula);
}

// Each user's reservation, as GET /v1/licenses/{id}/users lists them.
std::map<std::string, bool> reservations(ApiClient& server, const std::string& license_id) {
  std::map<std::string, bool> reserved;
  const Reply listed = server.get("/v1/licenses/" + license_id + "/users");
  for (const json& user : listed.body["users"]) {
    reserved[user["email"]] = user["reserved"];
  }
  return reserved;
}

TEST_F(LicenseImportTest, ReservedSeatsAreImportedAndAnExportCarriesThemToAnotherServer) {
  const std::string path = write("reserved.csv",
                                 "v,product,model,max_activations,key,users\r\n"
                                 "1,acme-cad,floating,2," +
                                     LicenseKey::generate().text() +
                                     ",\"anna@example.com:1:reserved,bob@example.com\"\r\n");
  const ProcessResult imported = import(path);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const std::string id = json::parse(imported.out)["licenses"][0]["id"];
  const std::map<std::string, bool> expected = {{"anna@example.com", true},
                                                {"bob@example.com", false}};
  ApiClient here = admin();
  EXPECT_EQ(reservations(here, id), expected);

  for (const char* name : {"out.csv", "out.json"}) {
    const std::string out = (dir_.path() / name).string();
    ASSERT_EQ(admin_cli("license export --out " + out).exit_code, 0);
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(contains(text, "anna@example.com:1:reserved") ||
                contains(text, "\"reserved\": true"))
        << text;
    ServerProcess other;
    ApiClient other_admin(other.url(), other.admin_token());
    const ProcessResult moved = import_into(other, out, " --new-keys");
    ASSERT_EQ(moved.exit_code, 0) << name << ": " << moved.out;
    EXPECT_EQ(reservations(other_admin, id), expected) << name;
  }
}

TEST_F(LicenseImportTest, FloatingTermsAndSitesTravelThroughAnExportToAnotherServer) {
  const std::vector<json> orders = {{{"model", "floating"},
                                     {"max_activations", 5},
                                     {"seat_scope", "user"},
                                     {"lease_ttl", 600},
                                     {"grace_seats", 1},
                                     {"max_borrow_days", 7}},
                                    {{"model", "floating"},
                                     {"max_activations", 3},
                                     {"seat_scope", "project"},
                                     {"project_tokens", {{"team", 2}, {"mono", 1}}}},
                                    {{"model", "site"},
                                     {"allowed_networks", {"10.0.0.0/8", "2001:db8::/32"}},
                                     {"domain", "corp.example.com"},
                                     {"site_match", "any"}},
                                    {{"model", "site"}, {"offline_only", true}}};
  const auto terms_of = [](const json& license) {
    return json{license.value("floating", json()), license.value("site", json())};
  };
  std::map<std::string, json> made;  // license id -> its terms here
  for (json order : orders) {
    order["product"] = "acme-cad";
    const Reply created = admin().post("/v1/licenses", order);
    ASSERT_EQ(created.status, 201) << created.body.dump();
    const json license =
        admin().get("/v1/licenses/" + created.body["id"].get<std::string>()).body["license"];
    made[license["id"]] = terms_of(license);
  }
  for (const char* name : {"out.csv", "out.json"}) {
    const std::string out = (dir_.path() / name).string();
    ASSERT_EQ(admin_cli("license export --out " + out).exit_code, 0);
    ServerProcess other;
    ApiClient other_admin(other.url(), other.admin_token());
    const ProcessResult moved = import_into(other, out, " --new-keys");
    ASSERT_EQ(moved.exit_code, 0) << name << ": " << moved.out;
    for (const auto& [id, terms] : made) {
      const json license = other_admin.get("/v1/licenses/" + id).body["license"];
      EXPECT_EQ(terms_of(license), terms) << name << ": " << license.dump();
    }
  }
}

TEST_F(LicenseImportTest, BadFloatingAndSiteFieldsAreReportedByLine) {
  const auto key = [] { return LicenseKey::generate().text(); };
  const std::string path =
      write("terms.csv",
            "v,product,model,max_activations,key,seat_scope,lease_ttl,project_tokens,"
            "allowed_networks,site_match,offline_only\n"
            "1,acme-cad,floating,2," +
                key() + ",seat,,,,,\n" +                                        // line 2
                "1,acme-cad,floating,2," + key() + ",project,,team=two,,,\n" +  // line 3
                "1,acme-cad,node-locked,2," + key() + ",,600,,,,\n" +           // line 4
                "1,acme-cad,site,0," + key() + ",,,,10.0.0.0/33,,\n" +          // line 5
                "1,acme-cad,site,0," + key() + ",,,,,some,\n" +                 // line 6
                "1,acme-cad,site,0," + key() + ",,,,,,yes\n" +                  // line 7
                "1,acme-cad,floating,2," + key() + ",user,600,,,,\n");          // line 8
  const std::size_t audit_before = audit_size();
  const ProcessResult refused = import(path);
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  const std::string message = message_of(refused);
  EXPECT_TRUE(contains(message, "line 2: seat_scope must be user, device or project, got 'seat'"))
      << message;
  EXPECT_TRUE(contains(message, "line 3: project_tokens must read team=N,mono=N")) << message;
  EXPECT_TRUE(contains(message, "line 4: grace seats, lease TTL")) << message;
  EXPECT_TRUE(contains(message, "line 5: ")) << message;
  EXPECT_TRUE(contains(message, "line 6: site_match must be all or any, got 'some'")) << message;
  EXPECT_TRUE(contains(message, "line 7: offline_only must be true or false, got 'yes'"))
      << message;
  EXPECT_FALSE(contains(message, "line 8:")) << "the good row is not reported: " << message;
  EXPECT_TRUE(licenses().empty()) << "all or nothing";
  EXPECT_EQ(audit_size(), audit_before);
}

TEST_F(LicenseImportTest, ReservationsTheLicenseCannotKeepAreReportedByLine) {
  const auto key = [] { return LicenseKey::generate().text(); };
  const std::string path =
      write("reserved.csv",
            "v,product,model,max_activations,key,users\n"
            "1,acme-cad,floating,1," +
                key() + ",\"anna@example.com:reserved,bob@example.com:reserved\"\n" +   // line 2
                "1,acme-cad,node-locked,2," + key() + ",anna@example.com:reserved\n" +  // line 3
                "1,acme-cad,floating,2," + key() + ",anna@example.com:reserved:reserved\n" +
                "1,acme-cad,floating,2," + key() + ",anna@example.com:1:2\n" +       // line 5
                "1,acme-cad,floating,2," + key() + ",anna@example.com:reserved\n");  // line 6
  const std::size_t audit_before = audit_size();
  const ProcessResult refused = import(path);
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  const std::string message = message_of(refused);
  EXPECT_TRUE(contains(message,
                       "line 2: the record reserves a seat for 2 users (anna@example.com, "
                       "bob@example.com) but its license has 1 seat; at most one user per seat"))
      << message;
  EXPECT_TRUE(contains(message, "line 3: license ")) << message;
  EXPECT_TRUE(contains(message, " is not floating")) << message;
  EXPECT_TRUE(contains(message,
                       "line 4: user anna@example.com:reserved:reserved gives reserved "
                       "twice"))
      << message;
  EXPECT_TRUE(contains(message, "line 5: user anna@example.com:1:2 gives a limit twice"))
      << message;
  EXPECT_FALSE(contains(message, "line 6:")) << "the good row is not reported: " << message;

  const std::string typed = write("typed.json",
                                  "[{\"v\": 1, \"product\": \"acme-cad\", \"model\": "
                                  "\"floating\", \"max_activations\": 2, \"key\": \"" +
                                      key() +
                                      "\",\n"
                                      "  \"users\": [{\"email\": \"anna@example.com\", "
                                      "\"reserved\": \"yes\"}]}]");
  EXPECT_TRUE(contains(message_of(import(typed)),
                       "line 1: user anna@example.com: reserved must be true or false, got 'yes'"))
      << message_of(import(typed));
  EXPECT_TRUE(licenses().empty()) << "all or nothing";
  EXPECT_EQ(audit_size(), audit_before);
}

TEST_F(LicenseImportTest, CsvThatBreaksRfc4180IsRefusedNamingTheLine) {
  const std::string open_quote =
      write("open.csv", "v,product,max_activations,key\n1,acme-cad,2,\"never closed\n\n");
  EXPECT_TRUE(contains(message_of(import(open_quote)), "line 2: a quoted field is never closed"));
  const std::string stray = write("stray.csv", "v,product,max_activations,key\n1,acme\"cad,2,x\n");
  EXPECT_TRUE(contains(message_of(import(stray)), "line 2: a quote inside an unquoted field"));
  const std::string unknown = write("unknown.csv", "v,product,max_activations,colour\n");
  EXPECT_TRUE(contains(message_of(import(unknown)), "line 1: unknown column 'colour'"));
  const std::string short_row = write("short.csv", "v,product,max_activations,key\n1,acme-cad\n");
  EXPECT_TRUE(contains(message_of(import(short_row)), "line 2: has 2 fields"));
  EXPECT_TRUE(licenses().empty());
}

TEST_F(LicenseImportTest, JsonRecordsOfTheWrongShapeAreRefused) {
  EXPECT_TRUE(contains(message_of(import(write("obj.json", "{\"v\": 1}"))), "JSON array"));
  const std::string typed = write(
      "typed.json",
      "[{\"v\": 1, \"product\": \"acme-cad\", \"max_activations\": \"two\", \"key\": 5,\n"
      "  \"users\": [{\"email\": \"anna@example.com\", \"limit\": 1}], \"colour\": \"red\"}]");
  const std::string message = message_of(import(typed));
  EXPECT_TRUE(contains(message, "line 1: unknown field 'colour'")) << message;
  EXPECT_TRUE(contains(message, "max_activations takes a whole number")) << message;
  EXPECT_TRUE(contains(message, "key must be text")) << message;
  EXPECT_TRUE(contains(message, "unknown field 'limit'")) << message;
  EXPECT_TRUE(licenses().empty());
}

TEST_F(LicenseImportTest, OnlyAnAdminMayImportOrExport) {
  const ProcessResult token = admin_cli("token create --role support --json");
  const std::string support = json::parse(token.out)["token"];
  const std::string path = write("one.csv", "v,product,max_activations,key\n1,acme-cad,2," +
                                                LicenseKey::generate().text() + "\n");
  EXPECT_EQ(admin_cli("license import " + path, support).exit_code, 1);
  EXPECT_EQ(
      admin_cli("license export --out " + (dir_.path() / "x.csv").string(), support).exit_code, 1);
  EXPECT_TRUE(licenses().empty());
}

// A key hash is keyed with its server's secret: imported into another server
// it could never match a key typed there. The import says so and changes
// nothing, unless --new-keys issues keys that work.
TEST_F(LicenseImportTest, KeyHashesFromAnotherServerAreRefusedUnlessNewKeysAreIssued) {
  const IssuedKey made = create_license({{"max_activations", 2}, {"licensee", "Moved Ltd"}});
  for (const char* name : {"out.csv", "out.json"}) {
    const std::string out = (dir_.path() / name).string();
    ASSERT_EQ(admin_cli("license export --out " + out).exit_code, 0);
    EXPECT_TRUE(contains(read_text(out), "key_pepper")) << read_text(out);
    ServerProcess other;
    ApiClient other_admin(other.url(), other.admin_token());
    const ProcessResult refused = import_into(other, out, "");
    EXPECT_EQ(refused.exit_code, 4) << name << ": " << refused.out;
    const std::string message = message_of(refused);
    EXPECT_TRUE(contains(message, "key_hash was made by another server")) << message;
    EXPECT_TRUE(contains(message, "--new-keys")) << message;
    EXPECT_TRUE(other_admin.get("/v1/licenses").body["licenses"].empty()) << "nothing imported";

    const ProcessResult moved =
        run_shell(nodelock_binary().string() + " admin license import " + out +
                  " --new-keys --json --server " + other.url() + " --token " + other.admin_token());
    ASSERT_EQ(moved.exit_code, 0) << name << ": " << moved.out;
    const std::string key = json::parse(moved.out)["licenses"][0].value("key", "");
    ASSERT_FALSE(key.empty()) << moved.out;
    EXPECT_NE(key, made.key);
    ApiClient client(other.url());
    const TestMachine machine;
    const Reply granted = client.post(
        "/v1/activations", {{"request", machine.activation_request(key, "acme-cad", unix_now())}});
    EXPECT_EQ(granted.status, 200) << name << ": the new key works: " << granted.body.dump();
    EXPECT_EQ(other_admin.get("/v1/licenses/" + made.id).body["license"]["licensee"], "Moved Ltd");
  }
  // A hash that does not say where it came from is refused too.
  const std::string unnamed =
      write("unnamed.csv", "v,product,max_activations,key_hash,key_last5\n1,acme-cad,1," +
                               std::string(64, 'a') + ",ZC8FA\n");
  const std::string message = refused_import(unnamed);
  EXPECT_TRUE(contains(message, "does not say which server made it")) << message;
}

}  // namespace
}  // namespace nodelock::server::testing
