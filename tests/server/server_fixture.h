// A running nodelock-server with one product, for the API tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "server_process.h"
#include "test_machine.h"

namespace nodelock::server::testing {

struct IssuedKey {
  std::string id;
  std::string key;
};

class ServerTest : public ::testing::Test {
 protected:
  // `options`: a server started with extra arguments or on a given data dir.
  explicit ServerTest(ServerProcess::Options options = {}) : server_(std::move(options)) {}

  void SetUp() override {
    ASSERT_FALSE(server_.url().empty());
    Reply product = admin().post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}});
    ASSERT_EQ(product.status, 201) << product.body.dump();
  }

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

  ServerProcess server_;
};

}  // namespace nodelock::server::testing
