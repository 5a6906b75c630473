// Every wrong use of the offline files through the CLI: each gets its own
// message and exit code, and changes nothing on either side.
#include <ctime>

#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/activation/local_store.h"
#include "nodelock/activation/payloads.h"
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kRefused = 1;
constexpr int kUsage = 2;
constexpr int kUnreachable = 3;
constexpr int kBadInput = 4;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The file with one character of its signed body changed.
std::string with_body_edited(const std::string& text) {
  std::string edited = text;
  const std::size_t at = edited.find("\n\n") + 2 + 40;
  edited[at] = edited[at] == 'A' ? 'B' : 'A';
  return edited;
}

class OfflineMisuse : public OfflineTest {
 protected:
  void SetUp() override {
    OfflineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    license_ = create_license({{"max_activations", 3}});
  }

  // A machine of the site with a pending request, answered at file("NAME.nlres").
  void answered(const SiteMachine& on_machine, const std::string& name) {
    request(on_machine, license_.key, file(name + ".nlreq"));
    respond(file(name + ".nlreq"), file(name + ".nlres"));
  }

  // A machine with the license installed and its receipt at file("NAME.nldeact").
  void deactivated(const SiteMachine& on_machine, const std::string& name) {
    answered(on_machine, name);
    install(on_machine, file(name + ".nlres"));
    const ProcessResult done = air_gapped(
        on(on_machine, {"offline", "deactivate", "--out", file(name + ".nldeact").string()}));
    ASSERT_EQ(done.exit_code, 0) << done.err;
  }

  ProcessResult install_run(const SiteMachine& on_machine, const fs::path& response) {
    return air_gapped(on(on_machine, {"offline", "install", response.string()}));
  }

  IssuedKey license_;
  const SiteMachine laptop_ = machine("laptop-wifi-docker");
  const SiteMachine desktop_ = machine("desktop-two-nics");
};

TEST_F(OfflineMisuse, AnEditedRequestIsRefusedAndTakesNoSeat) {
  request(laptop_, license_.key, file("a.nlreq"));
  write_text(file("edited.nlreq"), with_body_edited(read_text(file("a.nlreq"))));
  const ProcessResult refused = respond_run(file("edited.nlreq"), file("a.nlres"));
  EXPECT_EQ(refused.exit_code, kBadInput) << refused.err;
  EXPECT_FALSE(fs::exists(file("a.nlres")));
  EXPECT_EQ(seats_used(license_.id), 0);
}

TEST_F(OfflineMisuse, AnEditedResponseIsNotInstalled) {
  answered(laptop_, "a");
  write_text(file("edited.nlres"), with_body_edited(read_text(file("a.nlres"))));
  const DirectoryState before = state_of(laptop_.store);
  const ProcessResult refused = install_run(laptop_, file("edited.nlres"));
  EXPECT_EQ(refused.exit_code, kBadInput) << refused.err;
  EXPECT_EQ(state_of(laptop_.store), before);
}

TEST_F(OfflineMisuse, AnEditedReceiptFreesNoSeat) {
  deactivated(laptop_, "a");
  write_text(file("edited.nldeact"), with_body_edited(read_text(file("a.nldeact"))));
  const ProcessResult refused = submit_receipt(file("edited.nldeact"));
  EXPECT_EQ(refused.exit_code, kBadInput) << refused.err;
  EXPECT_EQ(seats_used(license_.id), 1);
}

TEST_F(OfflineMisuse, TruncatedFilesAreRefusedAsUnreadable) {
  deactivated(laptop_, "a");
  answered(desktop_, "b");
  for (const char* name : {"a.nlreq", "b.nlres", "a.nldeact"}) {
    const std::string whole = read_text(file(name));
    write_text(file(std::string("cut-") + name), whole.substr(0, whole.size() / 2));
  }
  const DirectoryState before = state_of(desktop_.store);
  EXPECT_EQ(respond_run(file("cut-a.nlreq"), file("x.nlres")).exit_code, kBadInput);
  EXPECT_EQ(install_run(desktop_, file("cut-b.nlres")).exit_code, kBadInput);
  EXPECT_EQ(submit_receipt(file("cut-a.nldeact")).exit_code, kBadInput);
  EXPECT_EQ(state_of(desktop_.store), before);
  EXPECT_EQ(seats_used(license_.id), 2);
}

TEST_F(OfflineMisuse, AFileOfTheWrongTypeIsRefusedByEveryCommand) {
  deactivated(laptop_, "a");
  answered(desktop_, "b");
  const DirectoryState before = state_of(desktop_.store);
  const ProcessResult request_installed = install_run(desktop_, file("b.nlreq"));
  EXPECT_EQ(request_installed.exit_code, kBadInput);
  EXPECT_TRUE(contains(request_installed.err, "ACTIVATION REQUEST")) << request_installed.err;
  EXPECT_EQ(install_run(desktop_, file("a.nldeact")).exit_code, kBadInput);
  EXPECT_EQ(state_of(desktop_.store), before);

  const ProcessResult response_answered = respond_run(file("b.nlres"), file("x.nlres"));
  EXPECT_EQ(response_answered.exit_code, kBadInput);
  EXPECT_TRUE(contains(response_answered.err, "LICENSE")) << response_answered.err;
  const ProcessResult request_as_receipt = submit_receipt(file("b.nlreq"));
  EXPECT_EQ(request_as_receipt.exit_code, kBadInput);
  EXPECT_TRUE(contains(request_as_receipt.err, "--receipt")) << request_as_receipt.err;
  EXPECT_EQ(seats_used(license_.id), 2);
}

TEST_F(OfflineMisuse, AResponseIsRefusedOnAnotherMachine) {
  answered(laptop_, "a");
  request(desktop_, license_.key, file("b.nlreq"));
  const DirectoryState desktop_before = state_of(desktop_.store);
  const ProcessResult elsewhere = install_run(desktop_, file("a.nlres"));
  EXPECT_EQ(elsewhere.exit_code, kRefused);
  EXPECT_TRUE(contains(elsewhere.err, "was made for machine NL-")) << elsewhere.err;
  EXPECT_EQ(state_of(desktop_.store), desktop_before);

  // The laptop's own store carried to the desktop: the request matches, the
  // machine does not.
  const SiteMachine carried{desktop_.sysroot, laptop_.store};
  const DirectoryState laptop_before = state_of(laptop_.store);
  EXPECT_EQ(install_run(carried, file("a.nlres")).exit_code, kRefused);
  EXPECT_EQ(state_of(laptop_.store), laptop_before);
}

TEST_F(OfflineMisuse, AResponseToAnEarlierRequestIsRefused) {
  answered(laptop_, "first");
  request(laptop_, license_.key, file("second.nlreq"));
  const DirectoryState before = state_of(laptop_.store);
  const ProcessResult refused = install_run(laptop_, file("first.nlres"));
  EXPECT_EQ(refused.exit_code, kRefused);
  EXPECT_TRUE(contains(refused.err, "answers another request")) << refused.err;
  EXPECT_EQ(state_of(laptop_.store), before);
}

TEST_F(OfflineMisuse, ARequestOlderThanTheOfflineWindowIsRefused) {
  request(laptop_, license_.key, file("a.nlreq"));
  // The same machine's request as it would read had it waited eight days for
  // support (the default window is seven).
  const LocalStore store(laptop_.store, kProduct);
  auto pending = read_signed_request(read_text(file("a.nlreq")));
  auto device_key = store.read_device_key();
  ASSERT_TRUE(pending.ok() && device_key.ok());
  pending->created_at = static_cast<std::int64_t>(std::time(nullptr)) - 8 * 86400;
  auto old = seal(DocumentType::activation_request, to_payload(*pending), *device_key);
  ASSERT_TRUE(old.ok()) << old.message();
  write_text(file("old.nlreq"), *old);

  const ProcessResult refused = respond_run(file("old.nlreq"), file("old.nlres"));
  EXPECT_EQ(refused.exit_code, kRefused);
  EXPECT_TRUE(contains(refused.err, "too far from the server's time")) << refused.err;
  EXPECT_FALSE(fs::exists(file("old.nlres")));
  EXPECT_EQ(seats_used(license_.id), 0);
}

TEST_F(OfflineMisuse, ARequestForAnotherProductIsRefused) {
  const ProcessResult made =
      air_gapped({"offline", "request", "--key", license_.key, "--product", "acme-viewer",
                  "--store", laptop_.store.string(), "--sysroot", laptop_.sysroot.string(), "--out",
                  file("viewer.nlreq").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const ProcessResult refused = respond_run(file("viewer.nlreq"), file("viewer.nlres"));
  EXPECT_EQ(refused.exit_code, kRefused);
  EXPECT_TRUE(contains(refused.err, "is not for product 'acme-viewer'")) << refused.err;
  EXPECT_EQ(seats_used(license_.id), 0);
}

TEST_F(OfflineMisuse, AResponseInstalledUnderAnotherProductNamesTheProduct) {
  answered(laptop_, "cad");
  const DirectoryState before = state_of(laptop_.store);
  const ProcessResult refused =
      air_gapped({"offline", "install", file("cad.nlres").string(), "--product", "acme-viewer",
                  "--store", laptop_.store.string(), "--sysroot", laptop_.sysroot.string()});
  EXPECT_EQ(refused.exit_code, kRefused);
  EXPECT_TRUE(contains(refused.err,
                       "This license is for product 'acme-cad', not 'acme-viewer'. Install it "
                       "with --product acme-cad."))
      << refused.err;
  EXPECT_EQ(state_of(laptop_.store), before);
  install(laptop_, file("cad.nlres"));
}

TEST_F(OfflineMisuse, AReceiptIsAcceptedOnce) {
  deactivated(laptop_, "a");
  ASSERT_EQ(submit_receipt(file("a.nldeact")).exit_code, 0);
  answered(desktop_, "b");
  const ProcessResult replayed = submit_receipt(file("a.nldeact"));
  EXPECT_EQ(replayed.exit_code, kRefused);
  EXPECT_TRUE(contains(replayed.err, "already submitted")) << replayed.err;
  EXPECT_EQ(seats_used(license_.id), 1);
}

TEST_F(OfflineMisuse, AReceiptForAnActivationThatDoesNotExistIsRefused) {
  const crypto::SigningKey device_key = crypto::SigningKey::generate();
  DeactivationReceipt receipt;
  receipt.activation_id = "act_0000000000000000";
  receipt.license_id = license_.id;
  receipt.product = kProduct;
  receipt.machine_id = "NL-0000-0000-0000-0000";
  receipt.device_public_key = device_key.public_key();
  receipt.nonce = make_nonce();
  receipt.created_at = static_cast<std::int64_t>(std::time(nullptr));
  auto armored = seal(DocumentType::deactivation_receipt, to_payload(receipt), device_key);
  ASSERT_TRUE(armored.ok()) << armored.message();
  write_text(file("nobody.nldeact"), *armored);
  const ProcessResult refused = submit_receipt(file("nobody.nldeact"));
  EXPECT_EQ(refused.exit_code, kRefused) << refused.err;
  EXPECT_TRUE(contains(refused.err, "act_0000000000000000")) << refused.err;
}

TEST_F(OfflineMisuse, UsageErrorsChangeNothing) {
  request(laptop_, license_.key, file("a.nlreq"));
  const ProcessResult no_out =
      connected({"offline", "respond", file("a.nlreq").string(), "--server", server_.url(),
                 "--token", server_.admin_token()});
  EXPECT_EQ(no_out.exit_code, kUsage) << no_out.err;
  EXPECT_EQ(seats_used(license_.id), 0) << "the seat was taken without a place for the response";
  EXPECT_EQ(air_gapped(on(laptop_, {"offline", "request", "--out", file("b").string()})).exit_code,
            kUsage);
  EXPECT_EQ(air_gapped(on(laptop_, {"offline", "request", "--renew", "--key", license_.key, "--out",
                                    file("b").string()}))
                .exit_code,
            kUsage);
  EXPECT_EQ(air_gapped(on(laptop_, {"offline", "install"})).exit_code, kUsage);
  EXPECT_FALSE(fs::exists(file("b")));
}

TEST_F(OfflineMisuse, NothingToRenewOrDeactivateIsRefused) {
  const ProcessResult renew =
      air_gapped(on(laptop_, {"offline", "request", "--renew", "--out", file("r.nlreq").string()}));
  EXPECT_EQ(renew.exit_code, kRefused);
  EXPECT_TRUE(contains(renew.err, "nothing to renew")) << renew.err;
  const ProcessResult deactivate =
      air_gapped(on(laptop_, {"offline", "deactivate", "--out", file("r.nldeact").string()}));
  EXPECT_EQ(deactivate.exit_code, kRefused);
  EXPECT_FALSE(fs::exists(file("r.nldeact")));
}

TEST_F(OfflineMisuse, AnUnreachableServerOrAMissingFileHasItsOwnExitCode) {
  request(laptop_, license_.key, file("a.nlreq"));
  const ProcessResult unreachable =
      connected({"offline", "respond", file("a.nlreq").string(), "--server", "http://127.0.0.1:1",
                 "--token", "t", "--out", file("a.nlres").string()});
  EXPECT_EQ(unreachable.exit_code, kUnreachable) << unreachable.err;
  EXPECT_EQ(install_run(laptop_, file("missing.nlres")).exit_code, kBadInput);
  EXPECT_EQ(submit_receipt(file("missing.nldeact")).exit_code, kBadInput);
}

}  // namespace
}  // namespace nodelock::offline::testing
