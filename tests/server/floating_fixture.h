// A running nodelock-server with one product, and the calls a floating
// client makes: check-out, heartbeat and release with the lease's secret.
#pragma once

#include <algorithm>
#include <string>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "server_fixture.h"

namespace nodelock::server::testing {

// A lease as its client holds it.
struct TestLease {
  std::string id;
  std::string secret;  // base64
  std::int64_t sequence = 0;
};

class FloatingTest : public ServerTest {
 protected:
  using ServerTest::ServerTest;

  // A floating license of `seats` with the extra terms of `order`.
  IssuedKey create_floating(int seats, nlohmann::json order = nlohmann::json::object()) {
    order["product"] = "acme-cad";
    order["model"] = "floating";
    order["max_activations"] = seats;
    Reply created = admin().post("/v1/licenses", order);
    EXPECT_EQ(created.status, 201) << created.body.dump();
    if (created.status != 201) return {};
    return {created.body["id"], created.body["key"]};
  }

  Reply check_out(const std::string& armored) {
    return client_.post("/v1/leases", {{"request", armored}});
  }
  Reply borrow(const std::string& armored) {
    return client_.post("/v1/leases/borrow", {{"request", armored}});
  }

  // Checks a seat out for `machine` and fails the test unless it is granted.
  TestLease hold(const TestMachine& machine, const IssuedKey& license,
                 std::optional<std::string> user = {}, std::optional<std::string> project = {}) {
    Reply reply = check_out(machine.lease_request(license.key, "acme-cad", unix_now(),
                                                  std::move(user), std::move(project)));
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    if (reply.status != 201) return {};
    return {reply.body["lease_id"], reply.body["secret"], 0};
  }

  // The call with the next sequence and a correct MAC.
  Reply call(TestLease& lease, LeaseCall kind) {
    lease.sequence += 1;
    return call_with(lease, kind, lease.sequence, lease.secret);
  }
  Reply heartbeat(TestLease& lease) { return call(lease, LeaseCall::heartbeat); }
  Reply release(TestLease& lease) { return call(lease, LeaseCall::release); }
  Reply give_back(TestLease& lease) { return call(lease, LeaseCall::return_borrow); }

  // The call exactly as given, for replays and wrong secrets.
  Reply call_with(const TestLease& lease, LeaseCall kind, std::int64_t sequence,
                  const std::string& secret) {
    const auto key = encoding::from_base64(secret);
    const crypto::Digest mac =
        lease_call_mac(key.ok() ? *key : crypto::Bytes{}, kind, lease.id, sequence);
    const char* path = kind == LeaseCall::heartbeat ? "/heartbeat"
                       : kind == LeaseCall::release ? "/release"
                                                    : "/return";
    return client_.post("/v1/leases/" + lease.id + path,
                        {{"sequence", sequence}, {"mac", encoding::base64(mac.bytes)}});
  }

  // The key the server signs with, as it publishes it.
  crypto::PublicKey vendor_key() {
    Reply keys = anonymous().get("/v1/keys");
    auto vendor = encoding::from_base64(keys.body["keys"][0]["public_key"].get<std::string>());
    EXPECT_TRUE(vendor.ok() && vendor->size() == crypto::PublicKey{}.bytes.size());
    crypto::PublicKey key;
    if (vendor.ok() && vendor->size() == key.bytes.size()) {
      std::copy(vendor->begin(), vendor->end(), key.bytes.begin());
    }
    return key;
  }

  // The leases the server holds on the license now.
  nlohmann::json held(const std::string& license_id) {
    Reply reply = admin().get("/v1/licenses/" + license_id + "/leases");
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body["leases"];
  }

  ApiClient client_{server_.url()};
};

}  // namespace nodelock::server::testing
