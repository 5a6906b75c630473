// Clone detection: a copied disk or VM image carries the machine's device key
// and license, and only its forked check-in history gives it away. End to end
// with the built `nodelock` on a store copied with `cp -a`, and over the API
// with hand-made histories for the cases a CLI cannot stage.
#include "nodelock/activation/document.h"
#include "server_fixture.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {
namespace {

using nlohmann::json;

constexpr const char* kProduct = "acme-cad";

std::string error_code(const ProcessResult& run) {
  const json parsed = json_of(run);
  return parsed.contains("error") ? parsed["error"].value("code", "") : "";
}

// The machine of the end-to-end tests: the laptop fixture and a store of its own.
class CloneCliTest : public ServerTest {
 protected:
  ProcessResult on(const std::filesystem::path& store, const std::string& words) {
    return run_shell(nodelock_binary().string() + " " + words + " --product " + kProduct +
                     " --store " + store.string() + " --sysroot " + kLaptop + " --json");
  }
  ProcessResult refresh(const std::filesystem::path& store) { return on(store, "refresh"); }

  // Activates the original and copies its store as a cloned disk would.
  std::string activate_and_copy() {
    const IssuedKey key = create_license({{"max_activations", 2}});
    const ProcessResult activated =
        on(original_, "activate --server " + server_.url() + " --key " + key.key);
    EXPECT_EQ(activated.exit_code, 0) << activated.out;
    const std::string copy_command =
        "cp -a " + original_.string() + "/. " + copy_.path().string() + "/";
    EXPECT_EQ(run_shell(copy_command).exit_code, 0);
    license_id_ = key.id;
    return json_of(activated).value("activation_id", "");
  }

  json seat() {
    const json activations =
        admin().get("/v1/licenses/" + license_id_ + "/activations").body["activations"];
    EXPECT_EQ(activations.size(), 1u) << activations.dump();
    return activations.empty() ? json::object() : activations[0];
  }

  int audit_entries(const std::string& action) {
    int count = 0;
    const json log = admin().get("/v1/audit").body["entries"];
    for (const json& entry : log) {
      if (entry["action"] == action) ++count;
    }
    return count;
  }

  TempDir original_store_;
  std::filesystem::path original_ = original_store_.path();
  TempDir copy_;
  std::string license_id_;
};

TEST_F(CloneCliTest, ACopiedStoreIsRefusedAsClonedAndTheOriginalContinues) {
  activate_and_copy();
  const ProcessResult first = refresh(original_);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_TRUE(seat()["cloned_at"].is_null());

  const ProcessResult copied = refresh(copy_.path());
  EXPECT_EQ(copied.exit_code, 1) << copied.out;
  EXPECT_EQ(error_code(copied), "cloned") << copied.out;
  EXPECT_NE(json_of(copied)["error"].value("message", "").find("copied from another machine"),
            std::string::npos)
      << copied.out;
  EXPECT_TRUE(seat()["cloned_at"].is_number_integer()) << "support must see the seat flagged";
  EXPECT_EQ(audit_entries("activation.cloned"), 1);

  const ProcessResult status = on(copy_.path(), "status");
  EXPECT_EQ(status.exit_code, 1) << "the copy's application learns it offline: " << status.out;

  EXPECT_EQ(refresh(original_).exit_code, 0) << "refuse-copy: the original keeps checking in";
  EXPECT_EQ(error_code(refresh(copy_.path())), "cloned") << "the copy stays refused";
  EXPECT_EQ(audit_entries("activation.cloned"), 1) << "the seat is flagged once";

  const ProcessResult listed = admin_cli("devices --license " + license_id_);
  EXPECT_NE(listed.out.find("CLONED since"), std::string::npos) << listed.out;
}

TEST_F(CloneCliTest, WhicheverCopyChecksInSecondIsTheOneRefused) {
  activate_and_copy();
  ASSERT_EQ(refresh(copy_.path()).exit_code, 0);
  EXPECT_EQ(error_code(refresh(original_)), "cloned");
  EXPECT_EQ(refresh(copy_.path()).exit_code, 0);
}

TEST_F(CloneCliTest, OneMachineCheckingInAgainAndAgainIsNeverTakenForACopy) {
  activate_and_copy();
  for (int i = 0; i < 4; ++i) {
    const ProcessResult checked_in = refresh(original_);
    ASSERT_EQ(checked_in.exit_code, 0) << "check-in " << i + 1 << ": " << checked_in.out;
  }
  EXPECT_TRUE(seat()["cloned_at"].is_null());
  EXPECT_EQ(audit_entries("activation.cloned"), 0);
}

TEST_F(CloneCliTest, ResettingAClonedSeatLetsEachMachineActivateItsOwn) {
  const std::string activation_id = activate_and_copy();
  ASSERT_EQ(refresh(original_).exit_code, 0);
  ASSERT_EQ(error_code(refresh(copy_.path())), "cloned");
  ASSERT_EQ(admin_cli("reset --device " + activation_id).exit_code, 0);
  EXPECT_EQ(error_code(refresh(original_)), "seat_reset");
}

// A copy of the laptop's disk whose license store was emptied, activated
// afresh: the same fingerprint under a device key of its own. It must never be
// handed the original's seat, which would leave two machines fighting over it.
class FreshCloneTest : public CloneCliTest {
 protected:
  std::string activate_original(int seats) {
    const IssuedKey key = create_license({{"max_activations", seats}});
    key_ = key.key;
    license_id_ = key.id;
    const ProcessResult activated = activate(original_);
    EXPECT_EQ(activated.exit_code, 0) << activated.out;
    return json_of(activated).value("activation_id", "");
  }
  ProcessResult activate(const std::filesystem::path& store) {
    return on(store, "activate --server " + server_.url() + " --key " + key_);
  }
  std::string key_;
};

TEST_F(FreshCloneTest, WithNoSeatFreeTheCloneIsRefusedAndTheOriginalKeepsItsSeat) {
  const std::string original_seat = activate_original(1);
  const ProcessResult cloned = activate(copy_.path());
  EXPECT_EQ(cloned.exit_code, 1) << cloned.out;
  EXPECT_EQ(error_code(cloned), "cloned") << cloned.out;
  const std::string message = json_of(cloned)["error"].value("message", "");
  EXPECT_NE(message.find(original_seat), std::string::npos) << message;
  EXPECT_NE(message.find("another installation"), std::string::npos) << message;
  EXPECT_NE(message.find("nodelock admin reset --device " + original_seat), std::string::npos)
      << message;
  EXPECT_EQ(seat()["id"], original_seat);
  EXPECT_EQ(audit_entries("activation.clone_suspected"), 1);

  const ProcessResult refreshed = refresh(original_);
  EXPECT_EQ(refreshed.exit_code, 0) << "the original keeps its seat: " << refreshed.out;
  EXPECT_EQ(on(original_, "status").exit_code, 0);
  EXPECT_NE(on(copy_.path(), "status").exit_code, 0) << "the clone holds no license";
}

TEST_F(FreshCloneTest, WithASeatFreeTheCloneGetsItsOwnAndBothCheckIn) {
  const std::string original_seat = activate_original(2);
  const ProcessResult cloned = activate(copy_.path());
  ASSERT_EQ(cloned.exit_code, 0) << cloned.out;
  EXPECT_FALSE(json_of(cloned).value("existing", true)) << cloned.out;
  EXPECT_NE(json_of(cloned).value("activation_id", ""), original_seat);
  EXPECT_EQ(audit_entries("activation.clone_suspected"), 1);
  EXPECT_EQ(refresh(original_).exit_code, 0);
  EXPECT_EQ(refresh(copy_.path()).exit_code, 0);
  EXPECT_EQ(activate(original_).exit_code, 0) << "the original re-activating keeps its own seat";
  const json activations =
      admin().get("/v1/licenses/" + license_id_ + "/activations").body["activations"];
  EXPECT_EQ(activations.size(), 2u) << activations.dump();
}

// A server whose policy refuses both copies once a seat is found cloned.
class RefuseBothTest : public CloneCliTest {
 protected:
  RefuseBothTest() {
    ServerProcess::Options options;
    options.extra_arguments = {"--clone-policy", "refuse-both"};
    strict_ = std::make_unique<ServerProcess>(options);
  }
  void SetUp() override {
    ASSERT_FALSE(strict_->url().empty());
    ASSERT_EQ(strict_admin().post("/v1/products", {{"id", kProduct}, {"name", "Acme CAD"}}).status,
              201);
  }
  ApiClient strict_admin() { return ApiClient(strict_->url(), strict_->admin_token()); }

  std::unique_ptr<ServerProcess> strict_;
};

TEST_F(RefuseBothTest, OnceClonedEveryCopyIsRefusedUntilSupportResetsTheSeat) {
  const Reply created = strict_admin().post(
      "/v1/licenses", {{"product", kProduct}, {"model", "node-locked"}, {"max_activations", 2}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const ProcessResult activated = on(original_, "activate --server " + strict_->url() + " --key " +
                                                    created.body["key"].get<std::string>());
  ASSERT_EQ(activated.exit_code, 0) << activated.out;
  ASSERT_EQ(
      run_shell("cp -a " + original_.string() + "/. " + copy_.path().string() + "/").exit_code, 0);

  ASSERT_EQ(refresh(original_).exit_code, 0);
  EXPECT_EQ(error_code(refresh(copy_.path())), "cloned");
  const ProcessResult original = refresh(original_);
  EXPECT_EQ(error_code(original), "cloned") << original.out;
  EXPECT_NE(json_of(original)["error"].value("message", "").find("every copy is refused"),
            std::string::npos)
      << original.out;
}

// Over the API: histories a real client would send, and the ones it cannot.
class CloneApiTest : public ServerTest {
 protected:
  struct Seat {
    std::string activation_id;
    json check_in;  // {"counter", "receipt"} of the last answer
  };

  Seat activate_machine() {
    license_ = create_license({{"max_activations", 2}});
    ApiClient client(server_.url());
    const Reply granted =
        activate(client, machine_.activation_request(license_.key, kProduct, unix_now()));
    EXPECT_EQ(granted.status, 200) << granted.body.dump();
    EXPECT_EQ(granted.body["check_in"]["counter"], 0);
    return {granted.body.value("activation_id", ""), granted.body["check_in"]};
  }

  ActivationRequest refresh(const Seat& seat, std::optional<CheckInHistory> history) const {
    ActivationRequest request = machine_.request(license_.key, kProduct, unix_now());
    request.purpose = RequestPurpose::refresh;
    request.activation_id = seat.activation_id;
    request.history = std::move(history);
    return request;
  }

  static CheckInHistory after(const json& check_in) {
    return {check_in["counter"].get<std::int64_t>() + 1, check_in["receipt"], std::nullopt};
  }

  Reply send(const ActivationRequest& request) {
    ApiClient client(server_.url());
    return activate(client, machine_.sign(request));
  }

  json seat_record() {
    return admin().get("/v1/licenses/" + license_.id + "/activations").body["activations"][0];
  }

  TestMachine machine_;
  IssuedKey license_;
};

TEST_F(CloneApiTest, EachAnswerGivesTheNextNumberAndAFreshReceipt) {
  const Seat seat = activate_machine();
  const Reply first = send(refresh(seat, after(seat.check_in)));
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["check_in"]["counter"], 1);
  EXPECT_NE(first.body["check_in"]["receipt"], seat.check_in["receipt"]);
  const Reply second = send(refresh(seat, after(first.body["check_in"])));
  ASSERT_EQ(second.status, 200) << second.body.dump();
  EXPECT_EQ(second.body["check_in"]["counter"], 2);
}

TEST_F(CloneApiTest, AReplayedRefreshIsRefusedAsReplayedAndFlagsNothing) {
  const Seat seat = activate_machine();
  const std::string armored = machine_.sign(refresh(seat, after(seat.check_in)));
  ApiClient client(server_.url());
  const Reply first = activate(client, armored);
  ASSERT_EQ(first.status, 200) << first.body.dump();
  const Reply replayed = activate(client, armored);
  EXPECT_EQ(replayed.status, 409);
  EXPECT_EQ(replayed.code(), "replayed") << replayed.body.dump();
  EXPECT_TRUE(seat_record()["cloned_at"].is_null());
  EXPECT_EQ(send(refresh(seat, after(first.body["check_in"]))).status, 200)
      << "the machine itself carries on";
}

TEST_F(CloneApiTest, ACheckInWhoseAnswerWasLostIsRecognisedByItsNonce) {
  const Seat seat = activate_machine();
  const ActivationRequest lost = refresh(seat, after(seat.check_in));
  ASSERT_EQ(send(lost).status, 200);  // accepted, but the answer never reached the machine
  CheckInHistory again = after(seat.check_in);
  again.unanswered = lost.nonce;
  const Reply repeated = send(refresh(seat, again));
  ASSERT_EQ(repeated.status, 200) << repeated.body.dump();
  EXPECT_EQ(repeated.body["check_in"]["counter"], 1);
  EXPECT_EQ(send(refresh(seat, after(repeated.body["check_in"]))).status, 200);
  EXPECT_TRUE(seat_record()["cloned_at"].is_null());
}

TEST_F(CloneApiTest, ACopyPresentingAnOlderReceiptIsCloned) {
  const Seat seat = activate_machine();
  ASSERT_EQ(send(refresh(seat, after(seat.check_in))).status, 200);
  const Reply copy = send(refresh(seat, after(seat.check_in)));
  EXPECT_EQ(copy.status, 403);
  EXPECT_EQ(copy.code(), "cloned") << copy.body.dump();
  EXPECT_TRUE(seat_record()["cloned_at"].is_number_integer());
}

TEST_F(CloneApiTest, ACopyGuessingTheLostNonceWrongIsCloned) {
  const Seat seat = activate_machine();
  ASSERT_EQ(send(refresh(seat, after(seat.check_in))).status, 200);
  CheckInHistory guessed = after(seat.check_in);
  guessed.unanswered = make_nonce();
  EXPECT_EQ(send(refresh(seat, guessed)).code(), "cloned");
}

TEST_F(CloneApiTest, ANumberThatDoesNotFollowIsCloned) {
  const Seat seat = activate_machine();
  CheckInHistory skipped = after(seat.check_in);
  skipped.counter += 1;
  EXPECT_EQ(send(refresh(seat, skipped)).code(), "cloned");
}

TEST_F(CloneApiTest, AnOlderClientWithoutHistoryKeepsWorkingUntilTheSeatHasOne) {
  const Seat seat = activate_machine();
  const Reply legacy = send(refresh(seat, std::nullopt));
  ASSERT_EQ(legacy.status, 200) << legacy.body.dump();
  EXPECT_EQ(send(refresh(seat, std::nullopt)).status, 200);
  // Upgraded: from the answer it now keeps, it sends its history.
  const Reply legacy_again = send(refresh(seat, std::nullopt));
  ASSERT_EQ(legacy_again.status, 200);
  const Reply upgraded = send(refresh(seat, after(legacy_again.body["check_in"])));
  ASSERT_EQ(upgraded.status, 200) << upgraded.body.dump();
  const Reply stripped = send(refresh(seat, std::nullopt));
  EXPECT_EQ(stripped.code(), "cloned") << "once the holder keeps a history, none is a copy";
}

TEST_F(CloneApiTest, MalformedHistoriesAreRefusedAndChangeNothing) {
  const Seat seat = activate_machine();
  const auto refused = [&](const json& history, const char* why) {
    json payload = to_payload(refresh(seat, std::nullopt));
    payload["history"] = history;
    auto armored = nodelock::seal(nodelock::DocumentType::activation_request, payload,
                                  machine_.device_key(), {});
    ASSERT_TRUE(armored.ok());
    ApiClient client(server_.url());
    const Reply reply = activate(client, *armored);
    EXPECT_EQ(reply.status, 400) << why << ": " << reply.body.dump();
    EXPECT_EQ(reply.code(), "malformed") << why;
  };
  const std::string receipt = seat.check_in["receipt"];
  refused("R", "a string instead of the object");
  refused(json::object(), "no members");
  refused({{"counter", 0}, {"receipt", receipt}}, "counter 0");
  refused({{"counter", "1"}, {"receipt", receipt}}, "counter as a string");
  refused({{"counter", 1}, {"receipt", 7}}, "receipt as a number");
  refused({{"counter", 1}, {"receipt", receipt}, {"extra", true}}, "an unknown member");
  refused({{"counter", 1}, {"receipt", receipt}, {"unanswered", nullptr}}, "unanswered null");

  json first = to_payload(machine_.request(license_.key, kProduct, unix_now()));
  first["history"] = {{"counter", 1}, {"receipt", receipt}};
  auto armored =
      nodelock::seal(nodelock::DocumentType::activation_request, first, machine_.device_key(), {});
  ASSERT_TRUE(armored.ok());
  ApiClient client(server_.url());
  EXPECT_EQ(activate(client, *armored).code(), "malformed") << "a first activation has no history";

  EXPECT_TRUE(seat_record()["cloned_at"].is_null());
  EXPECT_EQ(send(refresh(seat, after(seat.check_in))).status, 200)
      << "the refusals left the seat's history as it was";
}

}  // namespace
}  // namespace nodelock::server::testing
