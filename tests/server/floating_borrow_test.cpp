// Borrowed floating seats over HTTP against the real server: a BORROW bound to
// the machine, the license's maximum days, the borrowed seat counted like a
// lease, its return, support's force release, bad input and a restart.
#include <atomic>

#include "at_once.h"
#include "floating_fixture.h"
#include "nodelock/activation/document.h"

namespace nodelock::server::testing {
namespace {

constexpr std::int64_t kDay = 86400;

class FloatingBorrowTest : public FloatingTest {
 protected:
  // Borrows a seat for `machine` and fails the test unless it is granted.
  TestLease borrowed(const TestMachine& machine, const IssuedKey& license, std::int64_t days) {
    Reply reply = borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), days));
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    if (reply.status != 201) return {};
    return {reply.body["lease_id"], reply.body["secret"], 0};
  }

  // A LEASE REQUEST whose "borrow" object is `borrow` as given, signed.
  std::string with_borrow_object(const TestMachine& machine, const IssuedKey& license,
                                 nlohmann::json borrow) {
    nlohmann::json payload =
        to_payload(machine.unsigned_lease_request(license.key, "acme-cad", unix_now()));
    payload["borrow"] = std::move(borrow);
    return seal(DocumentType::lease_request, payload, machine.device_key(), {}).value();
  }
};

TEST_F(FloatingBorrowTest, ABorrowIsAVendorSignedDocumentBoundToTheMachineForTheDaysAsked) {
  const IssuedKey license =
      create_floating(2, {{"max_borrow_days", 7}, {"features", {"export", "render"}}});
  TestMachine machine;
  const std::int64_t before = unix_now();
  Reply granted = borrow(machine.borrow_request(license.key, "acme-cad", before, 3));
  ASSERT_EQ(granted.status, 201) << granted.body.dump();
  EXPECT_FALSE(granted.body.contains("heartbeat_seconds"));
  EXPECT_FALSE(granted.body["secret"].get<std::string>().empty());
  auto document = open_document(granted.body["borrow"].get<std::string>(), DocumentType::borrow,
                                TrustedKeys({vendor_key()}));
  ASSERT_TRUE(document.ok()) << document.message();
  auto borrow = borrow_from_payload(document->payload());
  ASSERT_TRUE(borrow.ok()) << borrow.message();
  EXPECT_EQ(borrow->lease_id, granted.body["lease_id"]);
  EXPECT_EQ(borrow->license_id, license.id);
  EXPECT_EQ(borrow->product, "acme-cad");
  EXPECT_EQ(borrow->features, (std::vector<std::string>{"export", "render"}));
  EXPECT_EQ(borrow->fingerprint, machine.fingerprint());
  EXPECT_EQ(borrow->machine_id, machine.fingerprint().machine_id());
  EXPECT_EQ(borrow->device_public_key, machine.device_key().public_key());
  EXPECT_EQ(borrow->expires_at - borrow->issued_at, 3 * kDay);
  EXPECT_GE(borrow->issued_at, before);
  EXPECT_EQ(granted.body["expires_at"], borrow->expires_at);

  const auto leases = held(license.id);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0]["borrowed"], true);
  EXPECT_EQ(leases[0]["expires_at"], borrow->expires_at);
}

TEST_F(FloatingBorrowTest, MoreDaysThanTheLicenseAllowsAreRefusedNamingTheMaximum) {
  const IssuedKey license = create_floating(2, {{"max_borrow_days", 7}});
  TestMachine machine;
  Reply refused = borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), 8));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.code(), "borrow_not_allowed");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("at most 7 days, not 8"), std::string::npos) << message;
  EXPECT_TRUE(held(license.id).empty());
  EXPECT_EQ(borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), 7)).status, 201);
}

TEST_F(FloatingBorrowTest, ALicenseWithoutBorrowingRefusesEveryBorrow) {
  const IssuedKey license = create_floating(2);
  TestMachine machine;
  Reply refused = borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), 1));
  EXPECT_EQ(refused.code(), "borrow_not_allowed");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("does not allow borrowing"), std::string::npos) << message;
  EXPECT_TRUE(held(license.id).empty());
}

TEST_F(FloatingBorrowTest, ABorrowedSeatCountsAndTheRefusalNamesTheBorrower) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 30}});
  TestMachine borrower, other;
  ASSERT_FALSE(borrowed(borrower, license, 30).id.empty());
  Reply refused = check_out(other.lease_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(refused.code(), "seats_exhausted");
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find(borrower.fingerprint().machine_id()), std::string::npos) << message;
  EXPECT_NE(message.find("borrowed offline until"), std::string::npos) << message;
  const auto& holders = refused.body["error"]["details"]["holders"];
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0]["borrowed"], true);
  EXPECT_EQ(borrow(other.borrow_request(license.key, "acme-cad", unix_now(), 1)).code(),
            "seats_exhausted");
}

TEST_F(FloatingBorrowTest, AMachineHoldingALeaseBorrowsItsSeatByConvertingTheLease) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 5}});
  TestMachine machine;
  TestLease online = hold(machine, license);
  EXPECT_EQ(borrowed(machine, license, 5).id, online.id) << "one lease for the one seat";
  EXPECT_EQ(release(online).code(), "conflict") << "a borrowed seat is returned, not released";
  const nlohmann::json leases = held(license.id);
  ASSERT_EQ(leases.size(), 1u) << "the borrow still holds the seat";
  EXPECT_EQ(leases[0]["borrowed"], true);
}

TEST_F(FloatingBorrowTest, ReturnFreesTheSeatAtOnceAndOnlyOnce) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 14}});
  TestMachine borrower, other;
  TestLease lease = borrowed(borrower, license, 14);
  Reply returned = give_back(lease);
  ASSERT_EQ(returned.status, 200) << returned.body.dump();
  EXPECT_EQ(returned.body["returned"], true);
  EXPECT_EQ(returned.body["lease"]["end"], "returned");
  EXPECT_TRUE(held(license.id).empty());
  EXPECT_EQ(check_out(other.lease_request(license.key, "acme-cad", unix_now())).status, 201);
  EXPECT_EQ(give_back(lease).code(), "lease_ended");
}

TEST_F(FloatingBorrowTest, ABorrowTakesNoHeartbeatNorReleaseAndALeaseIsNotReturned) {
  const IssuedKey license = create_floating(2, {{"max_borrow_days", 3}});
  TestMachine borrower, online;
  TestLease borrow = borrowed(borrower, license, 3);
  TestLease lease = hold(online, license);
  EXPECT_EQ(heartbeat(borrow).code(), "conflict");
  EXPECT_EQ(release(borrow).code(), "conflict");
  EXPECT_EQ(give_back(lease).code(), "conflict");
  // The MAC of a release does not return a borrow: each call is bound to its name.
  borrow.sequence += 1;
  EXPECT_EQ(call_with(borrow, LeaseCall::return_borrow, borrow.sequence, lease.secret).code(),
            "tampered");
  const crypto::Digest release_mac = lease_call_mac(encoding::from_base64(borrow.secret).value(),
                                                    LeaseCall::release, borrow.id, 10);
  EXPECT_EQ(client_
                .post("/v1/leases/" + borrow.id + "/return",
                      {{"sequence", 10}, {"mac", encoding::base64(release_mac.bytes)}})
                .code(),
            "tampered");
  EXPECT_EQ(held(license.id).size(), 2u);
  EXPECT_EQ(give_back(borrow).status, 200);
}

TEST_F(FloatingBorrowTest, BadBorrowRequestsAreRefusedAndTakeNoSeat) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 3}});
  TestMachine machine;
  const auto fingerprint = fingerprint::to_json(machine.fingerprint());
  EXPECT_EQ(borrow(machine.lease_request(license.key, "acme-cad", unix_now())).code(),
            "invalid_argument");
  EXPECT_EQ(check_out(machine.borrow_request(license.key, "acme-cad", unix_now(), 1)).code(),
            "invalid_argument");
  EXPECT_EQ(borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), 0)).code(),
            "invalid_argument");
  EXPECT_EQ(borrow(machine.borrow_request(license.key, "acme-cad", unix_now(), -2)).code(),
            "invalid_argument");
  for (const nlohmann::json& bad :
       {nlohmann::json{{"days", "3"}, {"fingerprint", fingerprint}}, nlohmann::json{{"days", 1}},
        nlohmann::json{{"fingerprint", fingerprint}},
        nlohmann::json{{"days", 1}, {"fingerprint", fingerprint}, {"seconds", 5}},
        nlohmann::json{{"days", 1}, {"fingerprint", "NL-1234"}}, nlohmann::json(3)}) {
    EXPECT_EQ(borrow(with_borrow_object(machine, license, bad)).code(), "malformed") << bad;
  }
  EXPECT_EQ(borrow(machine.activation_request(license.key, "acme-cad", unix_now())).code(),
            "wrong_document");
  std::string tampered = machine.borrow_request(license.key, "acme-cad", unix_now(), 1);
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(borrow(tampered).status / 100, 4);
  EXPECT_EQ(client_.post("/v1/leases/borrow", {{"request", 5}}).code(), "malformed");
  EXPECT_EQ(client_.post("/v1/leases/borrow", nlohmann::json::object()).code(), "malformed");
  EXPECT_EQ(client_
                .post("/v1/leases/borrow",
                      {{"request", machine.borrow_request(license.key, "acme-cad", unix_now(), 1)},
                       {"days", 3}})
                .code(),
            "malformed");
  EXPECT_EQ(
      client_.post("/v1/leases/lse-unknown/return", {{"sequence", 1}, {"mac", "AAAA"}}).code(),
      "tampered");
  EXPECT_EQ(client_.post("/v1/leases/lse-unknown/return", {{"sequence", "1"}}).code(), "malformed");
  EXPECT_TRUE(held(license.id).empty());

  const std::string request = machine.borrow_request(license.key, "acme-cad", unix_now(), 1);
  ASSERT_EQ(borrow(request).status, 201);
  EXPECT_EQ(borrow(request).code(), "replayed");
  EXPECT_EQ(held(license.id).size(), 1u);
}

TEST_F(FloatingBorrowTest, SupportForceReleasesABorrowedSeat) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 3}});
  TestMachine borrower, other;
  TestLease lease = borrowed(borrower, license, 3);
  Reply forced =
      admin().post("/v1/leases/" + lease.id + "/force-release", nlohmann::json::object());
  ASSERT_EQ(forced.status, 200) << forced.body.dump();
  EXPECT_EQ(forced.body["lease"]["end"], "forced");
  EXPECT_EQ(forced.body["lease"]["borrowed"], true);
  EXPECT_EQ(check_out(other.lease_request(license.key, "acme-cad", unix_now())).status, 201);
  EXPECT_EQ(give_back(lease).code(), "lease_ended");
}

TEST_F(FloatingBorrowTest, TenSeatsStayTenWithBorrowsAndLeasesRacing) {
  const IssuedKey license = create_floating(10, {{"max_borrow_days", 2}});
  constexpr int kMachines = 60;
  std::vector<std::string> requests;
  for (int i = 0; i < kMachines; ++i) {
    const TestMachine machine;
    requests.push_back(i % 2 == 0 ? machine.borrow_request(license.key, "acme-cad", unix_now(), 2)
                                  : machine.lease_request(license.key, "acme-cad", unix_now()));
  }
  std::atomic<int> granted{0}, refused{0}, other{0};
  run_at_once(
      kMachines, [&](int) { return ApiClient(server_.url()); },
      [&](int i, ApiClient& client) {
        Reply reply = client.post(i % 2 == 0 ? "/v1/leases/borrow" : "/v1/leases",
                                  {{"request", requests[static_cast<std::size_t>(i)]}});
        if (reply.status == 201) {
          ++granted;
        } else if (reply.code() == "seats_exhausted") {
          ++refused;
        } else {
          ++other;
        }
      });
  EXPECT_EQ(granted.load(), 10);
  EXPECT_EQ(refused.load(), kMachines - 10);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(held(license.id).size(), 10u);
}

TEST(FloatingBorrowRestart, ARestartKeepsTheBorrowAndItsSeat) {
  TempDir dir;
  const auto data = dir / "data";
  std::string token;
  IssuedKey license;
  TestLease lease;
  TestMachine borrower;
  {
    ServerProcess server({data, {}});
    token = server.admin_token();
    ApiClient admin(server.url(), token);
    ASSERT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
    Reply created = admin.post("/v1/licenses", {{"product", "acme-cad"},
                                                {"model", "floating"},
                                                {"max_activations", 1},
                                                {"max_borrow_days", 4}});
    ASSERT_EQ(created.status, 201);
    license = {created.body["id"], created.body["key"]};
    Reply granted =
        ApiClient(server.url())
            .post("/v1/leases/borrow",
                  {{"request", borrower.borrow_request(license.key, "acme-cad", unix_now(), 4)}});
    ASSERT_EQ(granted.status, 201) << granted.body.dump();
    lease = {granted.body["lease_id"], granted.body["secret"], 0};
    server.terminate();
  }
  ServerProcess restarted({data, {}});
  Reply held = ApiClient(restarted.url(), token).get("/v1/licenses/" + license.id + "/leases");
  ASSERT_EQ(held.body["leases"].size(), 1u);
  EXPECT_EQ(held.body["leases"][0]["borrowed"], true);
  Reply refused =
      ApiClient(restarted.url())
          .post("/v1/leases",
                {{"request", TestMachine().lease_request(license.key, "acme-cad", unix_now())}});
  EXPECT_EQ(refused.code(), "seats_exhausted");
  const crypto::Digest mac = lease_call_mac(encoding::from_base64(lease.secret).value(),
                                            LeaseCall::return_borrow, lease.id, 1);
  EXPECT_EQ(ApiClient(restarted.url())
                .post("/v1/leases/" + lease.id + "/return",
                      {{"sequence", 1}, {"mac", encoding::base64(mac.bytes)}})
                .status,
            200);
}

}  // namespace
}  // namespace nodelock::server::testing
