// Floating leases over HTTP against the real server: seats up to the limit,
// the refusal that names the holders, heartbeats, expiry and release.
#include <chrono>
#include <thread>

#include "floating_fixture.h"
#include "nodelock/activation/document.h"

namespace nodelock::server::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A server on the test clock, whose lease sweep runs every second of it.
class LeaseExpiryTest : public FloatingTest {
 protected:
  LeaseExpiryTest() : FloatingTest({}, ServerTime::test_clock) {}

  // Whether the license's leases are all gone within a few seconds of real
  // time: the sweep follows the clock within about 50 ms.
  bool all_released(const std::string& license_id) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (!held(license_id).empty()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }
};

// A server on the test clock whose lease sweep runs only once a minute of it.
class LeaseExpiryBeforeSweepTest : public FloatingTest {
 protected:
  LeaseExpiryBeforeSweepTest()
      : FloatingTest({{}, {"--lease-flush-interval", "60"}}, ServerTime::test_clock) {}
};

TEST_F(FloatingTest, CheckOutGrantsTheSeatsThenRefusesNamingWhoHoldsThem) {
  const IssuedKey license = create_floating(2);
  TestMachine first, second, third;
  const TestLease a = hold(first, license, std::nullopt, std::nullopt);
  const TestLease b = hold(second, license);
  ASSERT_FALSE(a.id.empty());
  ASSERT_FALSE(b.id.empty());

  Reply refused = check_out(third.lease_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.code(), "seats_exhausted");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find(": 2 seats, all 2 in use. Held by: "), std::string::npos) << message;
  EXPECT_NE(message.find(first.fingerprint().machine_id()), std::string::npos) << message;
  EXPECT_NE(message.find(second.fingerprint().machine_id()), std::string::npos) << message;
  const auto& holders = refused.body["error"]["details"]["holders"];
  ASSERT_EQ(holders.size(), 2u);
  EXPECT_TRUE(holders[0].contains("started_at"));
  EXPECT_TRUE(holders[0].contains("last_seen_at"));
  EXPECT_EQ(refused.body["error"]["details"]["seats"]["used"], 2);
  EXPECT_EQ(held(license.id).size(), 2u);
}

TEST_F(FloatingTest, TheLeaseIsAVendorSignedDocumentForTheRequestingMachine) {
  const IssuedKey license = create_floating(1, {{"lease_ttl", 90}});
  TestMachine machine;
  Reply granted = check_out(machine.lease_request(license.key, "acme-cad", unix_now()));
  ASSERT_EQ(granted.status, 201) << granted.body.dump();
  auto document = open_document(granted.body["lease"].get<std::string>(), DocumentType::lease,
                                TrustedKeys({vendor_key()}));
  ASSERT_TRUE(document.ok()) << document.message();
  auto lease = lease_from_payload(document->payload());
  ASSERT_TRUE(lease.ok()) << lease.message();
  EXPECT_EQ(lease->lease_id, granted.body["lease_id"]);
  EXPECT_EQ(lease->machine_id, machine.fingerprint().machine_id());
  EXPECT_EQ(lease->device_public_key, machine.device_key().public_key());
  EXPECT_EQ(lease->heartbeat_seconds, 30);
  EXPECT_EQ(lease->expires_at - lease->issued_at, 90);
  EXPECT_FALSE(lease->overage);
}

TEST_F(LeaseExpiryTest, HeartbeatsKeepALeaseBeyondItsTtl) {
  const IssuedKey license = create_floating(1, {{"lease_ttl", 2}});
  TestLease lease = hold(TestMachine(), license);
  for (int i = 0; i < 8; ++i) {
    clock_.advance(seconds(1));
    Reply renewed = heartbeat(lease);
    ASSERT_EQ(renewed.status, 200) << renewed.body.dump();
    EXPECT_GE(renewed.body["expires_at"].get<std::int64_t>(), clock_.now() + 1);
  }
  EXPECT_EQ(held(license.id).size(), 1u);
  Reply other = check_out(TestMachine().lease_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(other.code(), "seats_exhausted");
}

TEST_F(LeaseExpiryTest, ALeaseWithoutHeartbeatsIsReleasedWithinOneTtl) {
  const IssuedKey license = create_floating(1, {{"lease_ttl", 1}});
  TestLease crashed = hold(TestMachine(), license);
  // One TTL, plus the clock's second.
  clock_.advance(seconds(2));
  EXPECT_TRUE(all_released(license.id)) << "the sweep frees a lapsed lease without a check-out";
  Reply late = heartbeat(crashed);
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(late.code(), "lease_ended");
  const TestLease next = hold(TestMachine(), license);
  EXPECT_FALSE(next.id.empty());
}

TEST_F(LeaseExpiryBeforeSweepTest, AnExpiredLeaseFreesItsSeatAtCheckOutBeforeTheSweep) {
  const IssuedKey license = create_floating(1, {{"lease_ttl", 1}});
  hold(TestMachine(), license);
  clock_.advance(seconds(2));
  const TestLease next = hold(TestMachine(), license);
  EXPECT_FALSE(next.id.empty());
}

TEST_F(FloatingTest, ReleaseFreesTheSeatAtOnceAndOnlyOnce) {
  const IssuedKey license = create_floating(1);
  TestLease lease = hold(TestMachine(), license);
  Reply released = release(lease);
  ASSERT_EQ(released.status, 200) << released.body.dump();
  EXPECT_EQ(released.body["lease"]["end"], "released");
  EXPECT_TRUE(held(license.id).empty());
  EXPECT_EQ(release(lease).code(), "lease_ended");
  EXPECT_EQ(heartbeat(lease).code(), "lease_ended");
  EXPECT_FALSE(hold(TestMachine(), license).id.empty());
}

TEST_F(FloatingTest, AReplayedHeartbeatIsRefusedAndExtendsNothing) {
  const IssuedKey license = create_floating(1, {{"lease_ttl", 60}});
  TestLease lease = hold(TestMachine(), license);
  Reply first = heartbeat(lease);
  ASSERT_EQ(first.status, 200);
  Reply again = call_with(lease, LeaseCall::heartbeat, lease.sequence, lease.secret);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "replayed");
  EXPECT_EQ(call_with(lease, LeaseCall::heartbeat, 0, lease.secret).code(), "replayed");
  EXPECT_EQ(call_with(lease, LeaseCall::release, lease.sequence, lease.secret).code(), "replayed");
  EXPECT_EQ(held(license.id)[0]["last_seen_at"], first.body["expires_at"].get<std::int64_t>() - 60);
  EXPECT_EQ(heartbeat(lease).status, 200);
}

TEST_F(FloatingTest, ACallWithoutTheLeaseSecretIsRefusedAndChangesNothing) {
  const IssuedKey license = create_floating(2);
  TestLease mine = hold(TestMachine(), license);
  TestLease theirs = hold(TestMachine(), license);
  Reply forged = call_with(mine, LeaseCall::release, 1, theirs.secret);
  EXPECT_EQ(forged.status, 422);
  EXPECT_EQ(forged.code(), "tampered");
  // A heartbeat's MAC is not a release's.
  const auto key = encoding::from_base64(mine.secret);
  const crypto::Digest beat = lease_call_mac(*key, LeaseCall::heartbeat, mine.id, 1);
  Reply swapped = client_.post("/v1/leases/" + mine.id + "/release",
                               {{"sequence", 1}, {"mac", encoding::base64(beat.bytes)}});
  EXPECT_EQ(swapped.code(), "tampered");
  EXPECT_EQ(held(license.id).size(), 2u);
  EXPECT_EQ(heartbeat(mine).status, 200);
}

TEST_F(FloatingTest, MalformedHeartbeatsAreRefusedNamingTheField) {
  const IssuedKey license = create_floating(1);
  TestLease lease = hold(TestMachine(), license);
  const std::string path = "/v1/leases/" + lease.id + "/heartbeat";
  for (const nlohmann::json& body :
       {nlohmann::json{{"sequence", 1}}, nlohmann::json{{"mac", "AAAA"}},
        nlohmann::json{{"sequence", "1"}, {"mac", "AAAA"}},
        nlohmann::json{{"sequence", 1}, {"mac", "AAAA"}, {"extra", true}}}) {
    Reply reply = client_.post(path, body);
    EXPECT_EQ(reply.status, 400) << body.dump();
    EXPECT_EQ(reply.code(), "malformed") << body.dump();
  }
  EXPECT_EQ(client_.post_raw(path, "not json").code(), "malformed");
  EXPECT_EQ(
      call_with({"lse_unknown", lease.secret, 0}, LeaseCall::heartbeat, 1, lease.secret).code(),
      "tampered");
  EXPECT_EQ(heartbeat(lease).status, 200);
}

TEST_F(FloatingTest, BadCheckOutRequestsAreRefusedAndTakeNoSeat) {
  const IssuedKey license = create_floating(1);
  Reply node_locked_license = admin().post(
      "/v1/licenses", {{"product", "acme-cad"}, {"model", "node-locked"}, {"max_activations", 1}});
  TestMachine machine;
  LeaseRequest request = machine.unsigned_lease_request(license.key, "acme-cad", unix_now());

  const std::string signed_request = machine.sign(request);
  std::string tampered = signed_request;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(check_out(tampered).status / 100, 4);

  EXPECT_EQ(check_out(machine.activation_request(license.key, "acme-cad", unix_now())).code(),
            "wrong_document");
  LeaseRequest old = request;
  old.created_at = unix_now() - 3600;
  EXPECT_EQ(check_out(machine.sign(old)).code(), "request_expired");
  LeaseRequest other_product = request;
  other_product.product = "acme-cam";
  EXPECT_EQ(check_out(machine.sign(other_product)).code(), "product_mismatch");
  LeaseRequest node_locked = request;
  node_locked.key = node_locked_license.body["key"];
  EXPECT_EQ(check_out(machine.sign(node_locked)).code(), "conflict");
  LeaseRequest unknown_key = request;
  unknown_key.key = "00000-00000-00000-00000-00000";
  EXPECT_EQ(check_out(machine.sign(unknown_key)).status / 100, 4);
  EXPECT_EQ(client_.post("/v1/leases", {{"request", signed_request}, {"extra", 1}}).code(),
            "malformed");
  EXPECT_TRUE(held(license.id).empty());

  ASSERT_EQ(check_out(signed_request).status, 201);
  Reply replayed = check_out(signed_request);
  EXPECT_EQ(replayed.code(), "replayed");
  EXPECT_EQ(held(license.id).size(), 1u);
}

TEST_F(FloatingTest, FloatingTermsOutOfBoundsOrOnAnotherModelAreRefused) {
  for (const nlohmann::json& terms :
       {nlohmann::json{{"lease_ttl", 0}}, nlohmann::json{{"grace_seats", -1}},
        nlohmann::json{{"seat_scope", "galaxy"}}, nlohmann::json{{"max_borrow_days", 400}},
        nlohmann::json{{"lease_ttl", "360"}}}) {
    nlohmann::json order = terms;
    order["product"] = "acme-cad";
    order["model"] = "floating";
    order["max_activations"] = 5;
    Reply refused = admin().post("/v1/licenses", order);
    EXPECT_EQ(refused.status, 400) << terms.dump() << refused.body.dump();
  }
  Reply node_locked = admin().post("/v1/licenses", {{"product", "acme-cad"},
                                                    {"model", "node-locked"},
                                                    {"max_activations", 1},
                                                    {"lease_ttl", 60}});
  EXPECT_EQ(node_locked.code(), "invalid_argument");
  Reply listed = admin().get("/v1/licenses");
  EXPECT_TRUE(listed.body["licenses"].empty()) << listed.body.dump();
}

TEST_F(FloatingTest, AFloatingLicenseShowsItsTerms) {
  const IssuedKey license =
      create_floating(7, {{"grace_seats", 2}, {"lease_ttl", 120}, {"seat_scope", "user"}});
  Reply shown = license_details(license.id);
  ASSERT_EQ(shown.status, 200);
  const auto& floating = shown.body["license"]["floating"];
  EXPECT_EQ(floating["grace_seats"], 2);
  EXPECT_EQ(floating["lease_ttl_seconds"], 120);
  EXPECT_EQ(floating["seat_scope"], "user");
  EXPECT_EQ(shown.body["license"]["max_activations"], 7);
}

}  // namespace
}  // namespace nodelock::server::testing
