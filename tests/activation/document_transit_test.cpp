// docs/OFFLINE.md: the files survive e-mail, editors and copy-paste. Every type of
// document, mangled as mail and editors mangle text, opens to exactly the payload
// that was signed; what is not one document is refused with a message that says
// what was found and what to do, and a changed byte is still "tampered".
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "document_fixtures.h"
#include "mail_transit.h"
#include "nodelock/activation/document.h"

namespace nodelock {
namespace {

using nlohmann::json;
using testing::mailed_variants;

const DocumentType kEveryType[] = {DocumentType::activation_request,
                                   DocumentType::license,
                                   DocumentType::deactivation_receipt,
                                   DocumentType::lease,
                                   DocumentType::borrow,
                                   DocumentType::site_license,
                                   DocumentType::lease_request};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MailedDocuments : public ::testing::Test {
 protected:
  std::string sealed(DocumentType type) const {
    json payload = testing::license_payload();
    payload["type"] = type_name(type);
    auto text = seal(type, payload, vendor_, testing::license_headers());
    EXPECT_TRUE(text.ok()) << text.message();
    return text.ok() ? *text : std::string();
  }

  std::string refusal(const std::string& text, ErrorCode code = ErrorCode::malformed) const {
    auto opened = open_document(text, DocumentType::license, trusted_);
    EXPECT_FALSE(opened.ok()) << text;
    if (opened.ok()) return "";
    EXPECT_EQ(opened.code(), code) << opened.message();
    return opened.message();
  }

  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
  TrustedKeys trusted_{{vendor_.public_key()}};
};

TEST_F(MailedDocuments, EveryTypeOpensAfterWhatMailAndEditorsDoToIt) {
  for (const DocumentType type : kEveryType) {
    const std::string original = sealed(type);
    auto expected = open_document(original, type, trusted_);
    ASSERT_TRUE(expected.ok()) << expected.message();
    for (const auto& variant : mailed_variants(original)) {
      auto opened = open_document(variant.text, type, trusted_);
      ASSERT_TRUE(opened.ok()) << armor_label(type) << ", " << variant.how << ": "
                               << opened.message();
      EXPECT_EQ(opened->payload(), expected->payload()) << variant.how;
      ASSERT_EQ(opened->headers().size(), 3u) << variant.how;
      EXPECT_EQ(opened->headers()[1].value, "Müller & Söhne Ingenieure GmbH") << variant.how;
      auto clean = rewrap_document(variant.text);
      ASSERT_TRUE(clean.ok()) << clean.message();
      EXPECT_EQ(*clean, original) << armor_label(type) << ", " << variant.how;
    }
  }
}

TEST_F(MailedDocuments, AChangedByteInAMailedFileIsStillTampered) {
  const std::string original = sealed(DocumentType::license);
  for (const auto& variant : mailed_variants(original)) {
    if (contains(variant.how, "UTF-16")) continue;
    std::string changed = variant.text;
    const std::size_t body = changed.find("eyJ");
    ASSERT_NE(body, std::string::npos) << variant.how;
    // A character inside the signed payload, well past the envelope's fixed start.
    std::size_t at = body + 200;
    while (changed[at] < 'a' || changed[at] > 'y') ++at;
    ++changed[at];
    auto opened = open_document(changed, DocumentType::license, trusted_);
    ASSERT_FALSE(opened.ok()) << variant.how;
    EXPECT_TRUE(opened.code() == ErrorCode::tampered || opened.code() == ErrorCode::malformed)
        << variant.how << ": " << opened.message();
  }
}

TEST_F(MailedDocuments, AMailWithoutABlockSaysWhatItStartsWithAndWhatToDo) {
  const std::string message = refusal("Hi support,\n\nthe file is attached.\n-- \nAnna\n");
  EXPECT_TRUE(contains(message, "found no -----BEGIN NODELOCK <TYPE>----- line")) << message;
  EXPECT_TRUE(contains(message, "it starts with 'Hi support,'")) << message;
  EXPECT_TRUE(contains(message, "save the attachment itself")) << message;

  EXPECT_TRUE(contains(refusal(""), "the file is empty")) << refusal("");
  EXPECT_TRUE(contains(refusal("\n\n  \n"), "the file is empty"));
  const std::string binary = refusal(std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "zip");
  EXPECT_TRUE(contains(binary, "it starts with 'PK??")) << binary;
}

TEST_F(MailedDocuments, ABlockCutShortIsRefusedNamingWhereItStarts) {
  const std::string original = sealed(DocumentType::license);
  const std::string no_end = "Hi,\n" + original.substr(0, original.find("-----END"));
  const std::string message = refusal(no_end);
  EXPECT_TRUE(contains(message, "found no -----END NODELOCK LICENSE----- line after line 2"))
      << message;
  EXPECT_TRUE(contains(message, "cut short")) << message;

  const std::string no_begin = original.substr(original.find('\n') + 1);
  EXPECT_TRUE(contains(refusal(no_begin), "the start of the block is missing"))
      << refusal(no_begin);

  const std::string restarted = original.substr(0, original.size() / 2) + "\n" + original;
  EXPECT_TRUE(contains(refusal(restarted), "another -----BEGIN NODELOCK line comes before"))
      << refusal(restarted);

  const std::string other_end =
      original.substr(0, original.find("-----END")) + "-----END NODELOCK LEASE-----\n";
  EXPECT_TRUE(contains(refusal(other_end),
                       "expected -----END NODELOCK LICENSE-----, found "
                       "'-----END NODELOCK LEASE-----'"))
      << refusal(other_end);
}

TEST_F(MailedDocuments, TwoBlocksInOneFileAreRefusedNamingBoth) {
  const std::string license = sealed(DocumentType::license);
  const std::string message = refusal(license + "\n" + testing::prefixed(license, "> "));
  EXPECT_TRUE(contains(message,
                       "more than one nodelock document: LICENSE on line 1 and "
                       "'-----BEGIN NODELOCK LICENSE-----' on line"))
      << message;
  EXPECT_TRUE(contains(message, "save each document in a file of its own")) << message;
  const std::string request = sealed(DocumentType::activation_request);
  EXPECT_TRUE(contains(refusal(testing::in_mail(request) + testing::prefixed(license, "> ")),
                       "ACTIVATION REQUEST on line"));
}

TEST_F(MailedDocuments, QuotingThatChangesInsideTheBlockIsRefused) {
  const std::string quoted = testing::prefixed(sealed(DocumentType::license), "> ");
  std::string edited = quoted;
  const std::size_t third_body_line = edited.find("\n> ", edited.find("eyJ") + 70);
  edited.replace(third_body_line, 3, "\n>> ");
  const std::string message = refusal(edited);
  EXPECT_TRUE(contains(message, "quoted 2 times ('>'), the BEGIN line 1 times")) << message;
}

TEST_F(MailedDocuments, TextThatIsNotBase64InTheBodyIsNamed) {
  std::string original = sealed(DocumentType::license);
  original.insert(original.find("eyJ") + 10, "\x1B[2J");
  const std::string message = refusal(original);
  EXPECT_TRUE(contains(message, "the body holds byte 0x1B, which is not base64")) << message;
}

TEST_F(MailedDocuments, BrokenUtf16IsRefusedAsSuch) {
  const std::string utf16 = testing::as_utf16_le(sealed(DocumentType::license));
  EXPECT_TRUE(contains(refusal(utf16.substr(0, utf16.size() - 1)), "odd number of bytes"));
  std::string lone_surrogate = utf16;
  lone_surrogate[40] = '\x00';
  lone_surrogate[41] = '\xDC';
  EXPECT_TRUE(contains(refusal(lone_surrogate), "a broken character at byte 40"))
      << refusal(lone_surrogate);
}

TEST_F(MailedDocuments, HostileInputIsRefusedInBoundedTime) {
  const std::string original = sealed(DocumentType::license);
  const auto started = std::chrono::steady_clock::now();
  refusal(std::string(kMaxDocumentFileSize + 1, '>'), ErrorCode::payload_too_large);
  refusal(std::string(kMaxDocumentFileSize - 10, '>'));
  refusal(std::string(kMaxDocumentFileSize / 2, '\r'));
  std::string many_begins;
  while (many_begins.size() < kMaxDocumentFileSize - 100)
    many_begins += "-----BEGIN NODELOCK A-----\n";
  refusal(many_begins);
  const std::string huge_body = original.substr(0, original.find("-----END")) +
                                std::string(kMaxDocumentSize, 'A') +
                                "\n-----END NODELOCK "
                                "LICENSE-----\n";
  refusal(huge_body, ErrorCode::payload_too_large);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace nodelock
