// Every byte of every offline file, edited: the signed part never passes, and
// the headers (for people, never signed) change nothing the machine or the
// server acts on. In process, against the real server, so the sweep is quick.
#include <optional>
#include <set>

#include "nodelock/client/offline_exchange.h"
#include "nodelock/offline/offline.h"
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;

// Whether byte `at` is in the header lines, between the BEGIN line and the
// empty line: outside the signature.
bool in_headers(const std::string& document, std::size_t at) {
  return at > document.find('\n') && at < document.find("\n\n");
}

// Another character that keeps the line printable.
char edited(char c) { return c == 'A' ? 'B' : static_cast<char>(c ^ 0x01); }

void restore(const fs::path& directory, const DirectoryState& state) {
  fs::remove_all(directory);
  for (const auto& [name, text] : state) {
    fs::create_directories((directory / name).parent_path());
    write_text(directory / name, text);
  }
}

class OfflineTamper : public OfflineTest {
 protected:
  void SetUp() override {
    OfflineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    license_ = create_license({{"max_activations", 3}});
    auto machine = this_machine(kProduct, laptop_.sysroot);
    ASSERT_TRUE(machine.ok()) << machine.message();
    machine_ = *machine;
    ServerOptions options;
    options.url = server_.url();
    options.bearer_token = server_.admin_token();
    auto client = ServerClient::connect(options);
    ASSERT_TRUE(client.ok()) << client.message();
    client_.emplace(std::move(*client));
  }

  IssuedKey license_;
  const SiteMachine laptop_ = machine("laptop-wifi-docker");
  const LocalStore store_{laptop_.store, kProduct};
  Machine machine_;
  std::optional<ServerClient> client_;
};

TEST_F(OfflineTamper, NoEditedByteOfARequestTakesAnotherSeat) {
  auto request = offline::make_request(store_, machine_, license_.key, kProduct);
  ASSERT_TRUE(request.ok()) << request.message();
  const std::string& text = request->armored;
  std::set<std::string> answered_activations;
  for (std::size_t at = 0; at < text.size(); ++at) {
    std::string copy = text;
    copy[at] = edited(copy[at]);
    auto answer = respond_offline(*client_, copy);
    if (answer.ok()) {
      EXPECT_TRUE(in_headers(text, at)) << "a request edited at byte " << at << " passed";
      auto license = parse_document(answer->response);
      ASSERT_TRUE(license.ok());
      answered_activations.insert(license->unverified_payload()["activation_id"]);
    }
  }
  EXPECT_LE(answered_activations.size(), 1u);
  EXPECT_LE(seats_used(license_.id), 1);
}

TEST_F(OfflineTamper, NoEditedByteOfAResponseIsInstalledUnlessOnlyAHeaderChanged) {
  auto request = offline::make_request(store_, machine_, license_.key, kProduct);
  ASSERT_TRUE(request.ok()) << request.message();
  auto answer = respond_offline(*client_, request->armored);
  ASSERT_TRUE(answer.ok()) << answer.message();
  const std::string& text = answer->response;
  const DirectoryState before = state_of(laptop_.store);
  for (std::size_t at = 0; at < text.size(); ++at) {
    std::string copy = text;
    copy[at] = edited(copy[at]);
    auto installed = offline::install_response(store_, copy, machine_, kProduct, {});
    if (!installed.ok()) {
      EXPECT_EQ(state_of(laptop_.store), before) << "a refused response changed the store";
      continue;
    }
    EXPECT_TRUE(in_headers(text, at)) << "a response edited at byte " << at << " passed";
    restore(laptop_.store, before);
  }
}

TEST_F(OfflineTamper, NoEditedByteOfAReceiptsSignedPartFreesTheSeat) {
  auto request = offline::make_request(store_, machine_, license_.key, kProduct);
  ASSERT_TRUE(request.ok()) << request.message();
  auto answer = respond_offline(*client_, request->armored);
  ASSERT_TRUE(answer.ok()) << answer.message();
  ASSERT_TRUE(offline::install_response(store_, answer->response, machine_, kProduct, {}).ok());
  auto receipt = offline::deactivate(store_, machine_, kProduct);
  ASSERT_TRUE(receipt.ok()) << receipt.message();
  const std::string& text = *receipt;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (in_headers(text, at)) continue;
    std::string copy = text;
    copy[at] = edited(copy[at]);
    EXPECT_FALSE(submit_deactivation_receipt(*client_, copy).ok())
        << "a receipt edited at byte " << at;
  }
  EXPECT_EQ(seats_used(license_.id), 1);
  EXPECT_TRUE(submit_deactivation_receipt(*client_, text).ok());
  EXPECT_EQ(seats_used(license_.id), 0);
}

}  // namespace
}  // namespace nodelock::offline::testing
