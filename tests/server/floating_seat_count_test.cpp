// Floating seats counted per seat, not per lease: a machine that checks out
// again gets its own lease back, and the admission rule, the refusal, the
// sessions listing, /metrics and every report give the same number of seats.
#include <chrono>
#include <iterator>
#include <random>
#include <set>
#include <thread>

#include "floating_fixture.h"
#include "prometheus_text.h"

namespace nodelock::server::testing {
namespace {

// Every count of one license's seats that the server gives.
struct SeatCounts {
  std::size_t leases = 0;        // admin sessions: leases listed
  std::size_t seats_listed = 0;  // admin sessions: seats listed
  double metric_seats = -1;
  double metric_leases = -1;
  double metric_grace = -1;
  int summary_peak = -1;
  int daily_peak = -1;  // the highest day of `report peak`
  std::size_t csv_seats = 0;
};

class FloatingSeatCountTest : public FloatingTest {
 protected:
  FloatingSeatCountTest() : FloatingTest({}, ServerTime::test_clock) {}
  using FloatingTest::check_out;  // over HTTP, with a request signed here
  using ServerTest::check_out;    // with `nodelock lease checkout` on a machine

  std::size_t held_count(const std::string& license_id) { return held(license_id).size(); }

  SeatCounts counts(const std::string& license_id) {
    SeatCounts found;
    Reply sessions = admin().get("/v1/licenses/" + license_id + "/leases");
    EXPECT_EQ(sessions.status, 200) << sessions.body.dump();
    found.leases = sessions.body["leases"].size();
    found.seats_listed = sessions.body["seats"].size();
    EXPECT_EQ(sessions.body["seats_in_use"], found.seats_listed);

    httplib::Client http(server_.url());
    auto scraped = http.Get("/metrics");
    EXPECT_TRUE(scraped);
    const Scrape scrape = parse_scrape(scraped ? scraped->body : "");
    EXPECT_EQ(scrape.problem, "");
    const std::map<std::string, std::string> of = {{"license", license_id},
                                                   {"product", "acme-cad"}};
    found.metric_seats = scrape.value("nodelock_seats_in_use", of);
    found.metric_leases = scrape.value("nodelock_leases", of);
    found.metric_grace = scrape.value("nodelock_grace_seats_in_use", of);

    const std::string report = "/v1/licenses/" + license_id + "/report/";
    Reply summary = admin().get(report + "summary");
    EXPECT_EQ(summary.status, 200) << summary.body.dump();
    found.summary_peak = summary.body["summary"]["peak"]["seats"].get<int>();
    Reply peak = admin().get(report + "peak");
    EXPECT_EQ(peak.status, 200) << peak.body.dump();
    for (const auto& day : peak.body["days"]) {
      found.daily_peak = std::max(found.daily_peak, day["peak"]["seats"].get<int>());
    }
    Reply sessions_report = admin().get(report + "sessions");
    EXPECT_EQ(sessions_report.status, 200);
    std::set<std::string> seats;
    for (const auto& session : sessions_report.body["sessions"]) seats.insert(session["seat"]);
    found.csv_seats = seats.size();
    return found;
  }
};

TEST_F(FloatingSeatCountTest, FourMachinesCheckingOutTwiceHoldFourSeatsByEveryCount) {
  const IssuedKey license = floating("--seats 3 --grace-seats 1 --lease-ttl 60");
  const Machine machines[] = {{kLaptop, {}}, {kDesktop, {}}, {kVirtualMachine, {}}, {kCloud, {}}};
  std::vector<std::string> lease_ids(std::size(machines));
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < std::size(machines); ++i) {
      ProcessResult taken = check_out(machines[i], license.key);
      ASSERT_EQ(taken.exit_code, 0) << taken.out;
      const std::string id = json_of(taken)["lease_id"];
      if (round == 0) lease_ids[i] = id;
      EXPECT_EQ(id, lease_ids[i]) << "a machine checking out again gets its own lease back";
      // The lease given back takes heartbeats from the sequence it reached.
      ProcessResult renewed = lease(machines[i], "heartbeat --json");
      EXPECT_EQ(renewed.exit_code, 0) << renewed.out;
    }
  }

  const TestMachine fifth;
  Reply refused = check_out(fifth.lease_request(license.key, "acme-cad", clock_.now()));
  ASSERT_EQ(refused.code(), "seats_exhausted") << refused.body.dump();
  const std::string message = refused.body["error"]["message"];
  EXPECT_NE(message.find(": 3 seats and 1 grace seat, all 4 in use. Held by: "), std::string::npos)
      << message;
  EXPECT_EQ(refused.body["error"]["details"]["seats"]["used"], 4) << refused.body.dump();
  for (const auto& holder : held(license.id)) {
    const std::string machine = holder["machine_id"];
    EXPECT_EQ(message.find(machine), message.rfind(machine)) << machine << " named twice";
  }

  const SeatCounts counts = this->counts(license.id);
  EXPECT_EQ(counts.leases, 4u);
  EXPECT_EQ(counts.seats_listed, 4u);
  EXPECT_EQ(counts.metric_seats, 4);
  EXPECT_EQ(counts.metric_leases, 4);
  EXPECT_EQ(counts.metric_grace, 1);
  EXPECT_EQ(counts.summary_peak, 4);
  EXPECT_EQ(counts.daily_peak, 4);
  EXPECT_EQ(counts.csv_seats, 4u);

  EXPECT_EQ(license_details(license.id).body["seats"]["used"], 4);
  const Reply all = admin().get("/v1/licenses");
  for (const auto& listed : all.body["licenses"]) {
    if (listed["id"] == license.id) {
      EXPECT_EQ(listed["seats_used"], 4) << listed.dump();
    }
  }
  ProcessResult shown = admin_cli("license list");
  EXPECT_NE(shown.out.find("4/3 seats"), std::string::npos) << shown.out;

  ProcessResult summary = admin_cli("report summary --license " + license.id);
  EXPECT_EQ(summary.exit_code, 0) << summary.out;
  EXPECT_NE(summary.out.find("peak reached 4 of 3 seats"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("1 of them on grace seats"), std::string::npos) << summary.out;

  ProcessResult released = lease(machines[0], "release --sysroot " + machines[0].sysroot);
  EXPECT_EQ(released.exit_code, 0) << released.out << released.err;
  EXPECT_EQ(this->counts(license.id).metric_seats, 3);
}

TEST_F(FloatingSeatCountTest, BorrowingAHeldSeatConvertsItAndCountsItOnce) {
  const IssuedKey license = create_floating(2, {{"lease_ttl", 60}, {"max_borrow_days", 3}});
  const TestMachine laptop;
  TestLease online = hold(laptop, license);
  ASSERT_FALSE(online.id.empty());
  ASSERT_EQ(heartbeat(online).status, 200);
  Reply borrowed = borrow(laptop.borrow_request(license.key, "acme-cad", clock_.now(), 2));
  ASSERT_EQ(borrowed.status, 201) << borrowed.body.dump();
  EXPECT_EQ(borrowed.body["lease_id"], online.id) << "the held seat is converted, not doubled";
  EXPECT_EQ(borrowed.body["sequence"], 1) << "its return goes above the heartbeat sent";
  EXPECT_EQ(heartbeat(online).code(), "conflict") << "a borrowed seat takes no heartbeats";
  const SeatCounts counts = this->counts(license.id);
  EXPECT_EQ(counts.leases, 1u);
  EXPECT_EQ(counts.metric_seats, 1);
  EXPECT_EQ(counts.summary_peak, 1);
  EXPECT_EQ(counts.daily_peak, 1);
}

// What the test believes a machine holds.
struct Holding {
  TestLease lease;
  bool online = false;
  bool borrowed = false;
};

TEST_F(FloatingSeatCountTest, RandomCheckOutsRepeatsReleasesBorrowsAndExpiriesAgreeOnTheSeats) {
  constexpr int kSeats = 3;
  constexpr int kGrace = 1;
  constexpr int kSteps = 120;
  const IssuedKey license =
      create_floating(kSeats, {{"grace_seats", kGrace}, {"lease_ttl", 60}, {"max_borrow_days", 2}});
  std::vector<TestMachine> machines(6);
  std::vector<Holding> holding(machines.size());
  std::mt19937 dice(20261207);  // fixed: a failure replays step by step
  // The server's time stands still between moves, and the reports see the
  // seats held once each instant's changes are made: a seat taken and given
  // back within one instant was never in use. So the peak is the most seats
  // held when the clock moved on, or now.
  int settled_peak = 0;
  const auto in_use = [&] {
    int seats = 0;
    for (const Holding& each : holding) seats += each.online || each.borrowed ? 1 : 0;
    return seats;
  };
  for (int step = 0; step < kSteps; ++step) {
    const std::size_t i = dice() % machines.size();
    Holding& mine = holding[i];
    const int action = static_cast<int>(dice() % 6);
    std::string did;
    if (action <= 1 && !mine.borrowed) {
      did = "check out";
      Reply reply = check_out(machines[i].lease_request(license.key, "acme-cad", clock_.now()));
      const bool room = mine.online || in_use() < kSeats + kGrace;
      ASSERT_EQ(reply.status, room ? 201 : 409) << step << ": " << reply.body.dump();
      if (room) {
        const std::string id = reply.body["lease_id"];
        if (mine.online) {
          EXPECT_EQ(id, mine.lease.id) << step << ": a repeat gets its lease back";
        }
        mine.lease = {id, reply.body["secret"], reply.body["sequence"].get<std::int64_t>()};
        mine.online = true;
      } else {
        const std::string message = reply.body["error"]["message"];
        EXPECT_NE(message.find("3 seats and 1 grace seat, all 4 in use"), std::string::npos)
            << step << ": " << message;
      }
    } else if (action == 2 && (mine.online || mine.borrowed)) {
      did = "release";
      Reply reply = mine.borrowed ? give_back(mine.lease) : release(mine.lease);
      ASSERT_EQ(reply.status, 200) << step << ": " << reply.body.dump();
      mine = {};
    } else if (action == 3 && in_use() - (mine.online || mine.borrowed ? 1 : 0) < kSeats + kGrace) {
      did = "borrow";
      Reply reply = borrow(machines[i].borrow_request(license.key, "acme-cad", clock_.now(), 1));
      ASSERT_EQ(reply.status, 201) << step << ": " << reply.body.dump();
      const std::string id = reply.body["lease_id"];
      if (mine.online || mine.borrowed) {
        EXPECT_EQ(id, mine.lease.id) << step << ": borrowing a held seat converts it";
      }
      mine = {{id, reply.body["secret"], reply.body["sequence"].get<std::int64_t>()}, false, true};
    } else if (action == 4) {
      did = "expire";
      settled_peak = std::max(settled_peak, in_use());
      clock_.advance(std::chrono::seconds(61));
      for (Holding& each : holding) {
        if (!each.borrowed) each = {};
      }
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (held_count(license.id) != static_cast<std::size_t>(in_use()) &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    } else if (action == 5 && (mine.online || mine.borrowed)) {
      did = "force release";
      Reply forced =
          admin().post("/v1/leases/" + mine.lease.id + "/force-release", nlohmann::json::object());
      ASSERT_EQ(forced.status, 200) << step << ": " << forced.body.dump();
      mine = {};
    } else {
      continue;
    }
    const int peak = std::max(settled_peak, in_use());
    const SeatCounts counts = this->counts(license.id);
    const auto seats = static_cast<std::size_t>(in_use());
    SCOPED_TRACE("step " + std::to_string(step) + ": " + did + " on machine " + std::to_string(i));
    EXPECT_EQ(counts.leases, seats) << "one lease per holder";
    EXPECT_EQ(counts.seats_listed, seats);
    EXPECT_EQ(counts.metric_seats, in_use());
    EXPECT_EQ(counts.metric_leases, in_use());
    EXPECT_EQ(counts.metric_grace, std::max(0, in_use() - kSeats));
    EXPECT_EQ(counts.summary_peak, peak);
    EXPECT_EQ(counts.daily_peak, peak);
    EXPECT_LE(counts.summary_peak, kSeats + kGrace);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace nodelock::server::testing
