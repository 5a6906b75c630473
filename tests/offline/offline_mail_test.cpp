// docs/OFFLINE.md, "What survives the trip": every file of the air-gapped loop,
// made by the real CLI and server, is carried the way people carry it (quoted in
// a reply, saved by Notepad as UTF-16, re-wrapped by a mail program) and still
// does its job; what is not one file is refused with what to do, changing nothing.
#include "mail_transit.h"
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

using nodelock::testing::as_utf16_be;
using nodelock::testing::as_utf16_le;
using nodelock::testing::body_rewrapped;
using nodelock::testing::in_mail;
using nodelock::testing::mailed_variants;
using nodelock::testing::prefixed;
using nodelock::testing::with_line_endings;
using nodelock::testing::with_utf8_byte_order_mark;
using server::testing::json_of;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OfflineMail : public OfflineTest {
 protected:
  // `text`, a mailed copy of `original`, saved beside it.
  std::filesystem::path mailed(const std::filesystem::path& original, const std::string& text,
                               const std::string& suffix) const {
    const std::filesystem::path path = file(original.filename().string() + "." + suffix);
    write_text(path, text);
    return path;
  }

  void expect_status_valid(const SiteMachine& on_machine) const {
    const ProcessResult status = air_gapped(on(on_machine, {"status", "--json"}));
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(json_of(status).value("status", ""), "valid") << status.out;
  }

  // No kept file holds what the mail put around a document.
  void expect_store_clean(const SiteMachine& on_machine) const {
    for (const auto& [name, content] : state_of(on_machine.store)) {
      EXPECT_FALSE(contains(content, "Hi support")) << name;
      EXPECT_FALSE(contains(content, "> -----BEGIN")) << name;
      EXPECT_FALSE(contains(content, std::string("\0", 1))) << name;
    }
  }
};

TEST_F(OfflineMail, EveryFileOfTheLoopStillWorksAfterTheMail) {
  const IssuedKey license = create_license({{"max_activations", 1}, {"expires", "2099-06-30"}});
  const SiteMachine laptop = machine("laptop-wifi-docker");

  request(laptop, license.key, file("cad.nlreq"));
  const std::string request_text = read_text(file("cad.nlreq"));
  const auto request_mail = mailed(
      file("cad.nlreq"),
      as_utf16_le(with_line_endings(prefixed(in_mail(request_text), "> "), "\r\n")), "reply");
  respond(request_mail, file("cad.nlres"));
  EXPECT_EQ(seats_used(license.id), 1);

  const auto response_mail = mailed(
      file("cad.nlres"),
      with_line_endings(in_mail(body_rewrapped(read_text(file("cad.nlres")), 76)), "\r"), "mail");
  install(laptop, response_mail);
  expect_status_valid(laptop);
  expect_store_clean(laptop);

  const ProcessResult renewal = air_gapped(
      on(laptop, {"offline", "request", "--renew", "--out", file("renew.nlreq").string()}));
  ASSERT_EQ(renewal.exit_code, 0) << renewal.err;
  respond(mailed(file("renew.nlreq"), as_utf16_be(prefixed(read_text(file("renew.nlreq")), ">> ")),
                 "reply"),
          file("renew.nlres"));
  install(laptop,
          mailed(file("renew.nlres"),
                 with_utf8_byte_order_mark(prefixed(read_text(file("renew.nlres")), "    ")),
                 "indented"));
  expect_status_valid(laptop);
  expect_store_clean(laptop);
  EXPECT_EQ(seats_used(license.id), 1);

  const ProcessResult receipt =
      air_gapped(on(laptop, {"offline", "deactivate", "--out", file("cad.nldeact").string()}));
  ASSERT_EQ(receipt.exit_code, 0) << receipt.err;
  const ProcessResult submitted = submit_receipt(mailed(
      file("cad.nldeact"), in_mail(body_rewrapped(read_text(file("cad.nldeact")), 0)), "mail"));
  EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_EQ(seats_used(license.id), 0);
}

TEST_F(OfflineMail, ASiteLicenseFileInstallsAfterTheMail) {
  const std::string file_text = site_license_file({{"licensee", "Müller & Söhne"}});
  const SiteMachine desktop = machine("desktop-two-nics");
  const auto site_mail =
      mailed(file("acme-hq.nlsite"), as_utf16_le(in_mail(body_rewrapped(file_text, 60)), false),
             "notepad");
  const ProcessResult installed =
      air_gapped(on(desktop, {"offline", "install", site_mail.string(), "--site-id", "acme-hq"}));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  expect_status_valid(desktop);
  expect_store_clean(desktop);
}

TEST_F(OfflineMail, EveryWayARequestAndItsResponseTravelIsReadAsIntact) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("cad.nlreq"));
  respond(file("cad.nlreq"), file("cad.nlres"));
  for (const char* name : {"cad.nlreq", "cad.nlres"}) {
    int index = 0;
    for (const auto& variant : mailed_variants(read_text(file(name)))) {
      const auto path = mailed(file(name), variant.text, std::to_string(index++));
      const ProcessResult inspected = air_gapped({"offline", "inspect", path.string(), "--json"});
      EXPECT_EQ(inspected.exit_code, 0) << name << ", " << variant.how << ": " << inspected.err;
      EXPECT_NE(json_of(inspected).value("signature", ""), "invalid") << variant.how;
    }
  }
}

TEST_F(OfflineMail, WhatIsNotOneFileIsRefusedSayingWhatToDoAndChangesNothing) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("cad.nlreq"));
  respond(file("cad.nlreq"), file("cad.nlres"));
  const DirectoryState before = state_of(laptop.store);

  write_text(file("reply.txt"), "Hi support,\n\nthe file is attached.\n-- \nAnna\n");
  const ProcessResult no_block =
      air_gapped(on(laptop, {"offline", "install", file("reply.txt").string()}));
  EXPECT_EQ(no_block.exit_code, 4);
  EXPECT_TRUE(contains(no_block.err, "(it starts with 'Hi support,'); save the attachment itself"))
      << no_block.err;

  write_text(file("thread.txt"), in_mail(read_text(file("cad.nlres"))) +
                                     prefixed(in_mail(read_text(file("cad.nlreq"))), "> "));
  const ProcessResult two =
      air_gapped(on(laptop, {"offline", "install", file("thread.txt").string()}));
  EXPECT_EQ(two.exit_code, 4);
  EXPECT_TRUE(contains(two.err, "more than one nodelock document: LICENSE on line")) << two.err;

  const std::string response = read_text(file("cad.nlres"));
  write_text(file("cut.nlres"), response.substr(0, response.size() / 2));
  const ProcessResult cut =
      air_gapped(on(laptop, {"offline", "install", file("cut.nlres").string()}));
  EXPECT_EQ(cut.exit_code, 4);
  EXPECT_TRUE(contains(cut.err, "was cut short")) << cut.err;
  EXPECT_EQ(state_of(laptop.store), before);
}

}  // namespace
}  // namespace nodelock::offline::testing
