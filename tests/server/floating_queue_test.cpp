// The seat queue over HTTP against the real server: machines refused while
// every seat is held wait in order, a seat that comes free goes to the first
// of them, a newcomer (a borrow too) does not jump the line, a waiter that
// stops polling is dropped, project tokens queue for a full count but not for
// a team token, and a restart empties the queue.
#include <chrono>

#include "floating_fixture.h"

namespace nodelock::server::testing {
namespace {

using std::chrono::seconds;

// A machine that asks to wait, and the ticket its last refusal gave it.
struct Waiter {
  TestMachine machine;
  std::string ticket;
};

// The refusal's place in the queue; empty when it gives none.
nlohmann::json queue_of(const Reply& reply) {
  if (reply.status != 409 || !reply.body["error"]["details"].contains("queue")) {
    return nlohmann::json::object();
  }
  return reply.body["error"]["details"]["queue"];
}
int position(const Reply& reply) { return queue_of(reply).value("position", 0); }
int waiting(const Reply& reply) { return queue_of(reply).value("waiting", 0); }

// A check-out through `client` that keeps `waiter`'s place when refused.
Reply poll_in_line(ApiClient& client, Waiter& waiter, const IssuedKey& license,
                   std::optional<std::string> user = {}, std::optional<std::string> project = {}) {
  nlohmann::json body = {
      {"request", waiter.machine.lease_request(license.key, "acme-cad", unix_now(), std::move(user),
                                               std::move(project))},
      {"queue", true}};
  if (!waiter.ticket.empty()) body["ticket"] = waiter.ticket;
  Reply reply = client.post("/v1/leases", body);
  if (reply.status == 409) waiter.ticket = queue_of(reply).value("ticket", "");
  return reply;
}

// The queue keeps the server's time, so dropping a waiter is tested by moving
// the server's clock, not by waiting for it.
class FloatingQueueTest : public FloatingTest {
 protected:
  FloatingQueueTest() : FloatingTest(ServerProcess::Options{}, ServerTime::test_clock) {}

  Reply wait_in_line(Waiter& waiter, const IssuedKey& license, std::optional<std::string> user = {},
                     std::optional<std::string> project = {}) {
    return poll_in_line(client_, waiter, license, std::move(user), std::move(project));
  }
};

TEST_F(FloatingQueueTest, FreedSeatsGoToTheWaitersInQueueOrder) {
  const IssuedKey license = create_floating(3);
  std::vector<TestLease> holders;
  for (int i = 0; i < 3; ++i) holders.push_back(hold(TestMachine(), license));
  Waiter first, second, third;
  for (Waiter* waiter : {&first, &second, &third}) {
    Reply queued = wait_in_line(*waiter, license);
    ASSERT_EQ(queued.code(), "seats_exhausted") << queued.body.dump();
  }
  Reply last = wait_in_line(third, license);
  EXPECT_EQ(position(last), 3);
  EXPECT_EQ(waiting(last), 3);
  EXPECT_EQ(queue_of(last)["poll_seconds"], 2);

  ASSERT_EQ(release(holders[0]).status, 200);
  EXPECT_EQ(position(wait_in_line(third, license)), 3) << "a free seat is the first waiter's";
  EXPECT_EQ(position(wait_in_line(second, license)), 2);
  EXPECT_EQ(wait_in_line(first, license).status, 201);
  EXPECT_EQ(position(wait_in_line(second, license)), 1);
  EXPECT_EQ(position(wait_in_line(third, license)), 2);

  ASSERT_EQ(release(holders[1]).status, 200);
  EXPECT_EQ(position(wait_in_line(third, license)), 2);
  EXPECT_EQ(wait_in_line(second, license).status, 201);

  ASSERT_EQ(release(holders[2]).status, 200);
  EXPECT_EQ(wait_in_line(third, license).status, 201);
  EXPECT_EQ(held(license.id).size(), 3u);
}

TEST_F(FloatingQueueTest, ANewcomerDoesNotJumpTheQueue) {
  const IssuedKey license = create_floating(1);
  TestLease holder = hold(TestMachine(), license);
  Waiter waiting_one;
  ASSERT_EQ(position(wait_in_line(waiting_one, license)), 1);
  ASSERT_EQ(release(holder).status, 200);

  Reply newcomer = check_out(TestMachine().lease_request(license.key, "acme-cad", unix_now()));
  EXPECT_EQ(newcomer.status, 409);
  EXPECT_EQ(newcomer.code(), "seats_exhausted");
  const std::string message = newcomer.body["error"]["message"];
  EXPECT_NE(message.find("1 machine waits in the queue before this one"), std::string::npos)
      << message;
  EXPECT_TRUE(queue_of(newcomer).empty()) << "it did not ask to wait";

  Waiter later;
  EXPECT_EQ(position(wait_in_line(later, license)), 2) << "a newcomer that waits goes last";
  EXPECT_EQ(wait_in_line(waiting_one, license).status, 201);
  EXPECT_TRUE(held(license.id)[0]["machine_id"] == waiting_one.machine.fingerprint().machine_id());
}

TEST_F(FloatingQueueTest, AWaiterThatStopsPollingIsDroppedAndTheNextGetsTheSeat) {
  const IssuedKey license = create_floating(1);
  TestLease holder = hold(TestMachine(), license);
  Waiter killed, patient;
  ASSERT_EQ(position(wait_in_line(killed, license)), 1);
  ASSERT_EQ(position(wait_in_line(patient, license)), 2);
  ASSERT_EQ(release(holder).status, 200);
  // `killed` never polls again; `patient` polls every second, as told to poll
  // every two, and gets the seat once the queue has dropped the first, after
  // two poll intervals without a poll.
  for (int second = 1; second <= 4; ++second) {
    clock_.advance(seconds(1));
    Reply answer = wait_in_line(patient, license);
    EXPECT_EQ(answer.status, 409) << "the first is not dropped after " << second << " s";
    EXPECT_EQ(position(answer), 2);
  }
  clock_.advance(seconds(1));
  Reply answer = wait_in_line(patient, license);
  EXPECT_EQ(answer.status, 201) << "dropped after two poll intervals: " << answer.body.dump();
  Reply late = wait_in_line(killed, license);
  EXPECT_EQ(late.code(), "seats_exhausted");
  EXPECT_EQ(position(late), 1) << "a dropped waiter that comes back queues again";
}

TEST_F(FloatingQueueTest, AFreeSeatIsGrantedAtOnceToARequestThatWouldWait) {
  const IssuedKey license = create_floating(1);
  Waiter waiter;
  EXPECT_EQ(wait_in_line(waiter, license).status, 201);
  EXPECT_TRUE(waiter.ticket.empty());
}

TEST_F(FloatingQueueTest, AnotherMachinesTicketIsNotItsPlace) {
  const IssuedKey license = create_floating(1);
  hold(TestMachine(), license);
  Waiter owner, thief;
  ASSERT_EQ(position(wait_in_line(owner, license)), 1);
  thief.ticket = owner.ticket;
  Reply stolen = wait_in_line(thief, license);
  EXPECT_EQ(position(stolen), 2);
  EXPECT_NE(thief.ticket, owner.ticket);
  EXPECT_EQ(position(wait_in_line(owner, license)), 1);
}

TEST_F(FloatingQueueTest, MalformedQueueFieldsAreRefusedAndChangeNothing) {
  const IssuedKey license = create_floating(1);
  hold(TestMachine(), license);
  Waiter waiter;
  ASSERT_EQ(position(wait_in_line(waiter, license)), 1);
  TestMachine other;
  const auto request = [&] { return other.lease_request(license.key, "acme-cad", unix_now()); };
  for (const nlohmann::json& body :
       {nlohmann::json{{"request", request()}, {"queue", "yes"}},
        nlohmann::json{{"request", request()}, {"queue", 1}},
        nlohmann::json{{"request", request()}, {"ticket", waiter.ticket}},
        nlohmann::json{{"request", request()}, {"queue", false}, {"ticket", waiter.ticket}},
        nlohmann::json{{"request", request()}, {"queue", true}, {"ticket", 42}},
        nlohmann::json{{"request", request()}, {"queue", true}, {"ticket", std::string(65, 't')}},
        nlohmann::json{{"request", request()}, {"queue", true}, {"place", 1}},
        nlohmann::json{{"queue", true}}}) {
    Reply refused = client_.post("/v1/leases", body);
    EXPECT_EQ(refused.status, 400) << body.dump() << refused.body.dump();
    EXPECT_EQ(refused.code(), "malformed") << body.dump();
  }
  EXPECT_EQ(held(license.id).size(), 1u);
  Reply still = wait_in_line(waiter, license);
  EXPECT_EQ(position(still), 1);
  EXPECT_EQ(waiting(still), 1) << "no malformed request joined the queue";
}

TEST_F(FloatingQueueTest, ABorrowWaitsBehindTheQueueAndCannotJoinIt) {
  const IssuedKey license = create_floating(1, {{"max_borrow_days", 7}});
  TestLease holder = hold(TestMachine(), license);
  Waiter waiter;
  ASSERT_EQ(position(wait_in_line(waiter, license)), 1);
  ASSERT_EQ(release(holder).status, 200);

  TestMachine traveller;
  Reply refused = borrow(traveller.borrow_request(license.key, "acme-cad", unix_now(), 3));
  EXPECT_EQ(refused.code(), "seats_exhausted") << refused.body.dump();
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("1 machine waits in the queue before this one"), std::string::npos)
      << message;
  Reply queued =
      client_.post("/v1/leases/borrow",
                   {{"request", traveller.borrow_request(license.key, "acme-cad", unix_now(), 3)},
                    {"queue", true}});
  EXPECT_EQ(queued.code(), "malformed") << "a borrow does not wait in the queue";

  EXPECT_EQ(wait_in_line(waiter, license).status, 201);
  ASSERT_EQ(held(license.id).size(), 1u);
  EXPECT_EQ(held(license.id)[0]["borrowed"], false);
}

// The clients name no users: each machine is a person to the mono rule.
TEST_F(FloatingQueueTest, AProjectRefusedForAFullTokenCountWaitsForTheNextToken) {
  const IssuedKey license = create_floating(
      2, {{"seat_scope", "project"}, {"project_tokens", {{"team", 1}, {"mono", 1}}}});
  TestLease on_a = hold(TestMachine(), license, {}, "A");
  TestLease on_b = hold(TestMachine(), license, {}, "B");
  Waiter on_c;
  Reply queued = wait_in_line(on_c, license, {}, "C");
  ASSERT_EQ(queued.code(), "seats_exhausted") << queued.body.dump();
  EXPECT_EQ(position(queued), 1);
  ASSERT_EQ(release(on_b).status, 200);

  Reply newcomer =
      check_out(TestMachine().lease_request(license.key, "acme-cad", unix_now(), {}, "D"));
  EXPECT_EQ(newcomer.code(), "seats_exhausted");
  const std::string message = newcomer.body["error"]["message"];
  EXPECT_NE(message.find("and 1 machine waits in the queue before this one. A project's token"),
            std::string::npos)
      << message;
  EXPECT_EQ(hold(TestMachine(), license, {}, "A").id.empty(), false)
      << "a user joining a held project shares its token without waiting";
  EXPECT_EQ(wait_in_line(on_c, license, {}, "C").status, 201);
  EXPECT_EQ(held(license.id).size(), 3u);
}

TEST_F(FloatingQueueTest, ASecondUserOfAMonoProjectIsRefusedWithoutATicket) {
  const IssuedKey license = create_floating(
      2, {{"seat_scope", "project"}, {"project_tokens", {{"team", 0}, {"mono", 2}}}});
  hold(TestMachine(), license, {}, "A");
  Waiter second;
  Reply refused = wait_in_line(second, license, {}, "A");
  EXPECT_EQ(refused.code(), "seats_exhausted") << refused.body.dump();
  EXPECT_TRUE(queue_of(refused).empty()) << "a free mono token would not admit it";
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find("needs a team token"), std::string::npos) << message;
  EXPECT_NE(message.find("does not wait in the seat queue"), std::string::npos) << message;
  EXPECT_EQ(hold(TestMachine(), license, {}, "B").id.empty(), false)
      << "no ticket waits ahead of the free mono token";
}

TEST(FloatingQueueRestart, ARestartEmptiesTheQueueAndThePollsQueueAgainInTheirOrder) {
  TempDir dir;
  std::string token;
  IssuedKey license;
  Waiter first, second;
  {
    ServerProcess server({dir / "data", {}});
    token = server.admin_token();
    ApiClient admin(server.url(), token);
    ASSERT_EQ(admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status, 201);
    Reply created = admin.post(
        "/v1/licenses", {{"product", "acme-cad"}, {"model", "floating"}, {"max_activations", 1}});
    ASSERT_EQ(created.status, 201) << created.body.dump();
    license = {created.body["id"], created.body["key"]};
    ApiClient client(server.url());
    ASSERT_EQ(
        client
            .post("/v1/leases",
                  {{"request", TestMachine().lease_request(license.key, "acme-cad", unix_now())}})
            .status,
        201);
    ASSERT_EQ(position(poll_in_line(client, first, license)), 1);
    ASSERT_EQ(position(poll_in_line(client, second, license)), 2);
    server.terminate();
  }
  ServerProcess restarted({dir / "data", {}});
  ApiClient client(restarted.url());
  const std::string forgotten = second.ticket;
  Reply again = poll_in_line(client, second, license);
  EXPECT_EQ(again.code(), "seats_exhausted") << "the lease outlived the restart";
  EXPECT_EQ(position(again), 1) << "the first to poll after the restart is first";
  EXPECT_NE(second.ticket, forgotten);
  EXPECT_EQ(position(poll_in_line(client, first, license)), 2);
  EXPECT_EQ(waiting(poll_in_line(client, second, license)), 2);
}

}  // namespace
}  // namespace nodelock::server::testing
