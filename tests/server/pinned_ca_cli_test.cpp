// The CA given at activation is the one `refresh` and `deactivate` trust
// without --ca, and a deactivation the server never heard of leaves the
// license where it was: the real CLI against a real HTTPS server.
#include <optional>
#include <string>

#include "server_fixture.h"

namespace nodelock::server::testing {
namespace {

class PinnedCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_shell("command -v openssl").exit_code != 0) GTEST_SKIP() << "no openssl command";
    ASSERT_TRUE(make_test_certificate(certificate_));
    server_.emplace(ServerProcess::Options{
        certificate_ / "data",
        {"--tls-cert", ca(), "--tls-key", (certificate_ / "key.pem").string()}});
    ASSERT_FALSE(server_->url().empty());
    ApiClient admin = this->admin();
    ASSERT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
    Reply created =
        admin.post("/v1/licenses",
                   {{"product", "acme-cad"}, {"model", "node-locked"}, {"max_activations", 1}});
    ASSERT_EQ(created.status, 201) << created.body.dump();
    key_ = created.body["key"];
    license_id_ = created.body["id"];
    ProcessResult activated =
        on_laptop("activate --server " + server_->url() + " --key " + key_ + " --ca " + ca());
    ASSERT_EQ(activated.exit_code, 0) << activated.out << activated.err;
  }

  std::string ca() const { return (certificate_ / "cert.pem").string(); }
  ApiClient admin() { return ApiClient(server_->url(), server_->admin_token(), ca()); }
  nlohmann::json seats() { return admin().get("/v1/licenses/" + license_id_).body["seats"]; }

  // `nodelock <words>` on the laptop, with --json.
  ProcessResult on_laptop(const std::string& words) {
    return run_shell(nodelock_binary().string() + " " + words + " --product acme-cad --store " +
                     store_.path().string() + " --sysroot " + kLaptop + " --json");
  }

  TempDir certificate_;
  TempDir store_;
  std::optional<ServerProcess> server_;
  std::string key_;
  std::string license_id_;
};

TEST_F(PinnedCaTest, RefreshAndDeactivateTrustTheCaGivenAtActivation) {
  ProcessResult refreshed = on_laptop("refresh");
  EXPECT_EQ(refreshed.exit_code, 0) << refreshed.out << refreshed.err;

  ProcessResult deactivated = on_laptop("deactivate");
  EXPECT_EQ(deactivated.exit_code, 0) << deactivated.out << deactivated.err;
  EXPECT_EQ(json_of(on_laptop("status"))["status"], "not_activated");
  EXPECT_EQ(seats()["used"], 0);
}

TEST_F(PinnedCaTest, ADeactivationTheServerCannotBeVerifiedForKeepsTheLicense) {
  TempDir other;
  ASSERT_TRUE(make_test_certificate(other));
  ProcessResult refused = on_laptop("deactivate --ca " + (other / "cert.pem").string());
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  EXPECT_EQ(json_of(refused)["error"]["code"], "tls_failure");
  EXPECT_NE(refused.err.find("The license stays on this machine"), std::string::npos)
      << refused.err;

  ProcessResult status = on_laptop("status");
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_EQ(seats()["used"], 1);
}

TEST_F(PinnedCaTest, ADeactivationWhileTheServerIsDownKeepsTheLicense) {
  server_->terminate();
  ProcessResult refused = on_laptop("deactivate");
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  EXPECT_EQ(json_of(refused)["error"]["code"], "unreachable");

  ProcessResult status = on_laptop("status");
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
}

}  // namespace
}  // namespace nodelock::server::testing
