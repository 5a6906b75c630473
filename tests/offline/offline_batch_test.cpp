// Support answers a day's files in one run: `offline respond` takes several
// files or a directory, answers each in turn, prints one result line per file
// and exits with the worst file's code; a refused file does not stop the others.
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using server::testing::json_of;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t lines_in(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class OfflineBatch : public OfflineTest {
 protected:
  ProcessResult respond_batch(std::vector<std::string> inputs, const fs::path& out) const {
    std::vector<std::string> words = {"offline", "respond"};
    words.insert(words.end(), inputs.begin(), inputs.end());
    words.insert(words.end(), {"--server", server_.url(), "--token", server_.admin_token(), "--out",
                               out.string()});
    return connected(words);
  }
};

TEST_F(OfflineBatch, ADirectoryIsAnsweredFileByFileAndExitsWithTheWorstCode) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  fs::create_directories(file("inbox"));
  const SiteMachine laptop = machine("laptop-wifi-docker");
  const SiteMachine desktop = machine("desktop-two-nics");
  const SiteMachine vm = machine("kvm-virtio");
  request(laptop, license.key, file("inbox/a-laptop.nlreq"));
  request(desktop, license.key, file("inbox/b-desktop.nlreq"));
  request(vm, license.key, file("inbox/c-vm.nlreq"));
  write_text(file("inbox/d-damaged.nlreq"), "Hi support,\nplease activate us.\n");
  write_text(file("inbox/notes.txt"), "not a nodelock file, and not read");

  const ProcessResult answered = respond_batch({file("inbox").string()}, file("answers"));
  EXPECT_EQ(answered.exit_code, 4) << answered.out << answered.err;
  EXPECT_EQ(lines_in(answered.out), 5u) << answered.out;
  EXPECT_TRUE(contains(answered.out, "a-laptop.nlreq: Activation")) << answered.out;
  EXPECT_TRUE(contains(answered.out, "Wrote " + file("answers/a-laptop.nlres").string()))
      << answered.out;
  EXPECT_TRUE(contains(answered.out, "c-vm.nlreq: not answered (exit 1): No activations left"))
      << answered.out;
  EXPECT_TRUE(contains(answered.out, "d-damaged.nlreq: not answered (exit 4): ")) << answered.out;
  EXPECT_TRUE(contains(answered.out, "2 of 4 files answered.")) << answered.out;
  EXPECT_TRUE(fs::exists(file("answers/b-desktop.nlres")));
  EXPECT_FALSE(fs::exists(file("answers/c-vm.nlres")));
  EXPECT_EQ(seats_used(license.id), 2);
  install(desktop, file("answers/b-desktop.nlres"));
  install(laptop, file("answers/a-laptop.nlres"));

  const ProcessResult receipt =
      air_gapped(on(laptop, {"offline", "deactivate", "--out", file("laptop.nldeact").string()}));
  ASSERT_EQ(receipt.exit_code, 0) << receipt.err;
  const ProcessResult mixed =
      respond_batch({file("laptop.nldeact").string(), file("inbox/c-vm.nlreq").string(), "--json"},
                    file("answers"));
  EXPECT_EQ(mixed.exit_code, 0) << mixed.out << mixed.err;
  const json results = json_of(mixed)["results"];
  ASSERT_EQ(results.size(), 2u) << mixed.out;
  EXPECT_EQ(results[0]["answered"], "deactivation_receipt");
  EXPECT_EQ(results[1]["answered"], "activation_request");
  EXPECT_EQ(results[1]["response_file"], file("answers/c-vm.nlres").string());
  install(vm, file("answers/c-vm.nlres"));
}

TEST_F(OfflineBatch, ABatchOfRequestsNeedsADirectoryForItsAnswersBeforeAnythingIsRecorded) {
  const IssuedKey license = create_license({{"max_activations", 2}});
  request(machine("laptop-wifi-docker"), license.key, file("a.nlreq"));
  request(machine("desktop-two-nics"), license.key, file("b.nlreq"));
  write_text(file("answers"), "a file, not a directory");
  const ProcessResult refused =
      respond_batch({file("a.nlreq").string(), file("b.nlreq").string()}, file("answers"));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(contains(refused.err, "is not a directory")) << refused.err;
  EXPECT_EQ(seats_used(license.id), 0);

  fs::create_directories(file("empty"));
  const ProcessResult empty = respond_batch({file("empty").string()}, file("out"));
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_TRUE(contains(empty.err, "holds no .nlreq or .nldeact file")) << empty.err;
}

}  // namespace
}  // namespace nodelock::offline::testing
