// Site license files end to end: support issues one per site, every machine of
// the site installs the same file and runs it offline; other sites, other
// products, damaged files and licenses that may not have one are refused.
#include <fstream>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SiteFileTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Reply token = admin().post("/v1/admin-tokens", {{"role", "support"}});
    ASSERT_EQ(token.status, 201);
    support_ = token.body["token"];
    Reply site = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                               {"model", "site"},
                                               {"offline_only", true},
                                               {"licensee", "ACME Corp"},
                                               {"features", {"export"}}});
    ASSERT_EQ(site.status, 201) << site.body.dump();
    site_id_ = site.body["id"];
  }

  Reply site_file(const std::string& license, const nlohmann::json& body,
                  const std::string& token = "") {
    return ApiClient(server_.url(), token.empty() ? support_ : token)
        .post("/v1/licenses/" + license + "/site-file", body);
  }

  std::size_t audit_entries() { return admin().get("/v1/audit").body["entries"].size(); }

  // `nodelock <words> --product acme-cad --store STORE --sysroot HOST --json`.
  ProcessResult on(const TempDir& store, const std::string& host, const std::string& words) {
    return run_shell(nodelock_binary().string() + " " + words + " --product acme-cad --store " +
                     store.path().string() + " --sysroot " + fixture_host(host).string() +
                     " --json");
  }

  std::string support_;
  std::string site_id_;
};

TEST_F(SiteFileTest, SupportIssuesAFileThatShowsTheLicenseeAndIsRecorded) {
  Reply issued = site_file(site_id_, {{"site_id", "acme-hq"}});
  ASSERT_EQ(issued.status, 200) << issued.body.dump();
  const std::string file = issued.body["site_license"];
  EXPECT_EQ(file.rfind("-----BEGIN NODELOCK SITE LICENSE-----\n", 0), 0u) << file;
  EXPECT_NE(file.find("\nLicensee: ACME Corp\n"), std::string::npos) << file;
  EXPECT_NE(file.find("\nSite: acme-hq\n"), std::string::npos) << file;
  EXPECT_EQ(issued.body["site_id"], "acme-hq");
  const auto entries = admin().get("/v1/audit").body["entries"];
  const auto& last = entries.back();
  EXPECT_EQ(last["action"], "license.site_file");
  EXPECT_EQ(last["subject"], site_id_);
  EXPECT_EQ(last["after"]["site_id"], "acme-hq");
  EXPECT_NE(last["actor"], "device");
  EXPECT_EQ(admin().get("/v1/licenses/" + site_id_).body["seats"]["used"], 0);
}

TEST_F(SiteFileTest, BadRequestsAreRefusedAndIssueNothing) {
  Reply node_locked = admin().post(
      "/v1/licenses", {{"product", "acme-cad"}, {"model", "node-locked"}, {"max_activations", 2}});
  ASSERT_EQ(node_locked.status, 201);
  Reply viewer_token = admin().post("/v1/admin-tokens", {{"role", "viewer"}});
  const std::size_t entries = audit_entries();
  EXPECT_EQ(site_file(site_id_, {{"site_id", "ACME HQ"}}).code(), "invalid_argument");
  EXPECT_EQ(site_file(site_id_, {{"site_id", ""}}).code(), "invalid_argument");
  EXPECT_EQ(site_file(site_id_, {{"site_id", 7}}).code(), "malformed");
  EXPECT_EQ(site_file(site_id_, nlohmann::json::object()).code(), "malformed");
  EXPECT_EQ(site_file(site_id_, {{"site_id", "acme-hq"}, {"days", 3}}).code(), "malformed");
  EXPECT_EQ(site_file("lic_nothing", {{"site_id", "acme-hq"}}).code(), "not_found");
  Reply other_model = site_file(node_locked.body["id"], {{"site_id", "acme-hq"}});
  EXPECT_EQ(other_model.code(), "conflict");
  EXPECT_NE(other_model.body["error"]["message"].get<std::string>().find("node-locked"),
            std::string::npos);
  EXPECT_EQ(site_file(site_id_, {{"site_id", "acme-hq"}}, viewer_token.body["token"]).code(),
            "forbidden");
  EXPECT_EQ(site_file(site_id_, {{"site_id", "acme-hq"}}, "nla_wrong").code(), "unauthorized");
  EXPECT_EQ(ApiClient(server_.url(), support_)
                .post_raw("/v1/licenses/" + site_id_ + "/site-file", "site_id=acme-hq")
                .code(),
            "malformed");
  // The refused token above is recorded; nothing else is.
  EXPECT_EQ(audit_entries(), entries + 1);
  ASSERT_EQ(admin().post("/v1/licenses/" + site_id_ + "/suspend", nlohmann::json::object()).status,
            200);
  EXPECT_EQ(site_file(site_id_, {{"site_id", "acme-hq"}}).code(), "suspended");
}

TEST_F(SiteFileTest, EveryMachineOfTheSiteRunsTheSameFileAndOtherSitesDoNot) {
  const TempDir dir;
  const std::string file = (dir / "acme-hq.nlsite").string();
  ProcessResult written = admin_cli(
      "license site-file --license " + site_id_ + " --site-id acme-hq --out " + file, support_);
  ASSERT_EQ(written.exit_code, 0) << written.out;
  EXPECT_NE(written.out.find("offline install"), std::string::npos) << written.out;

  for (const char* host : {"desktop-two-nics", "laptop-wifi-docker"}) {
    const TempDir store;
    ProcessResult installed = on(store, host, "offline install " + file + " --site-id acme-hq");
    ASSERT_EQ(installed.exit_code, 0) << installed.out;
    EXPECT_EQ(json_of(installed)["licensee"], "ACME Corp");
    EXPECT_TRUE(json_of(installed)["trusted_on_first_use"].get<bool>());
    ProcessResult status = on(store, host, "status");
    EXPECT_EQ(status.exit_code, 0) << status.out;
    EXPECT_EQ(json_of(status)["status"], "valid");
    EXPECT_EQ(json_of(status)["site_id"], "acme-hq");
    EXPECT_EQ(json_of(status)["features"], nlohmann::json({"export"}));
  }

  const TempDir branch;
  ProcessResult other =
      on(branch, "kvm-virtio", "offline install " + file + " --site-id acme-branch");
  EXPECT_EQ(other.exit_code, 1) << other.out;
  EXPECT_EQ(json_of(other)["error"]["code"], "outside_site");
  const TempDir unset;
  ProcessResult no_site = on(unset, "kvm-virtio", "offline install " + file);
  EXPECT_EQ(no_site.exit_code, 1) << no_site.out;
  // The site id is what a machine declares: no refusal may tell another site's
  // machine to declare this file's site.
  for (const ProcessResult* refused : {&other, &no_site}) {
    const std::string message = json_of(*refused)["error"]["message"];
    EXPECT_EQ(message.find("--site-id acme-hq"), std::string::npos) << message;
    EXPECT_NE(message.find("ask support"), std::string::npos) << message;
  }
  EXPECT_NE(json_of(other)["error"]["message"].get<std::string>().find(
                "the site license file of site 'acme-branch'"),
            std::string::npos)
      << other.out;
  EXPECT_EQ(on(unset, "kvm-virtio", "status").exit_code, 1) << "nothing was installed";
}

// The store keeps one site id for every product: a second product's file for
// another site must not silently move the machine out of the first's site.
TEST_F(SiteFileTest, AnotherProductsFileCannotMoveTheMachineOutOfItsSite) {
  ASSERT_EQ(admin().post("/v1/products", {{"id", "acme-viewer"}, {"name", "Acme Viewer"}}).status,
            201);
  Reply viewer = admin().post("/v1/licenses", {{"product", "acme-viewer"},
                                               {"model", "site"},
                                               {"offline_only", true},
                                               {"licensee", "ACME Corp"}});
  ASSERT_EQ(viewer.status, 201) << viewer.body.dump();
  const TempDir dir;
  const auto file_of = [&](const std::string& license, const std::string& site) {
    const std::string file = (dir / (license + "-" + site + ".nlsite")).string();
    EXPECT_EQ(admin_cli("license site-file --license " + license + " --site-id " + site +
                            " --out " + file,
                        support_)
                  .exit_code,
              0);
    return file;
  };
  const TempDir store;
  const auto run = [&](const std::string& product, const std::string& words) {
    return run_shell(nodelock_binary().string() + " " + words + " --product " + product +
                     " --store " + store.path().string() + " --sysroot " +
                     fixture_host("desktop-two-nics").string() + " --json");
  };
  ASSERT_EQ(
      run("acme-cad", "offline install " + file_of(site_id_, "acme-hq") + " --site-id acme-hq")
          .exit_code,
      0);

  const std::string viewer_id = viewer.body["id"];
  ProcessResult moved = run("acme-viewer", "offline install " + file_of(viewer_id, "acme-branch") +
                                               " --site-id acme-branch");
  EXPECT_EQ(moved.exit_code, 1) << moved.out;
  EXPECT_EQ(json_of(moved)["error"]["code"], "conflict");
  const std::string message = json_of(moved)["error"]["message"];
  EXPECT_NE(message.find("site license of acme-cad is bound to it"), std::string::npos) << message;
  EXPECT_EQ(read_text(store.path() / "site-id"), "acme-hq\n");
  EXPECT_EQ(run("acme-cad", "status").exit_code, 0) << "the first product's license still runs";
  EXPECT_NE(run("acme-viewer", "status").exit_code, 0) << "nothing was installed";

  ProcessResult same_site = run("acme-viewer", "offline install " + file_of(viewer_id, "acme-hq"));
  EXPECT_EQ(same_site.exit_code, 0) << same_site.out;
  EXPECT_EQ(run("acme-viewer", "status").exit_code, 0);
  EXPECT_EQ(run("acme-cad", "status").exit_code, 0);
}

TEST_F(SiteFileTest, AMachineThatLeavesTheSiteIsRefusedByStatus) {
  const TempDir dir;
  const std::string file = (dir / "acme-hq.nlsite").string();
  ASSERT_EQ(
      admin_cli("license site-file --license " + site_id_ + " --site-id acme-hq --out " + file,
                support_)
          .exit_code,
      0);
  const TempDir store;
  ASSERT_EQ(
      on(store, "desktop-two-nics", "offline install " + file + " --site-id acme-hq").exit_code, 0);
  { std::ofstream(store.path() / "site-id") << "acme-branch\n"; }
  ProcessResult status = on(store, "desktop-two-nics", "status");
  EXPECT_EQ(status.exit_code, 1) << status.out;
  EXPECT_EQ(json_of(status)["status"], "outside_site");
}

TEST_F(SiteFileTest, ADamagedFileOrAnotherProductsIsNotInstalled) {
  const TempDir dir;
  ASSERT_EQ(admin_cli("license site-file --license " + site_id_ + " --site-id acme-hq --out " +
                          (dir / "good.nlsite").string(),
                      support_)
                .exit_code,
            0);
  const std::string text = read_text(dir / "good.nlsite");
  const auto body = text.find("\n\n") + 10;
  std::string damaged = text;
  damaged[body] = damaged[body] == 'A' ? 'B' : 'A';
  { std::ofstream(dir / "damaged.nlsite") << damaged; }
  const TempDir store;
  ProcessResult refused =
      on(store, "desktop-two-nics",
         "offline install " + (dir / "damaged.nlsite").string() + " --site-id acme-hq");
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  ProcessResult other_product = run_shell(
      nodelock_binary().string() + " offline install " + (dir / "good.nlsite").string() +
      " --product acme-viewer --site-id acme-hq --store " + store.path().string() + " --json");
  EXPECT_EQ(other_product.exit_code, 1) << other_product.out;
  EXPECT_EQ(json_of(other_product)["error"]["code"], "product_mismatch");
  EXPECT_FALSE(std::filesystem::exists(store.path() / "acme-cad" / "license.nllic"));
  EXPECT_FALSE(std::filesystem::exists(store.path() / "site-id"));
}

}  // namespace
}  // namespace nodelock::server::testing
