#include "nodelock/activation/document.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "document_fixtures.h"
#include "nodelock/activation/canonical_json.h"

namespace nodelock {
namespace {

using nlohmann::json;
using testing::hand_signed;
using testing::license_headers;
using testing::license_payload;

const DocumentType kAllTypes[] = {DocumentType::activation_request, DocumentType::license,
                                  DocumentType::deactivation_receipt, DocumentType::lease,
                                  DocumentType::borrow};

json payload_of(DocumentType type) {
  return {{"v", 1}, {"type", std::string(type_name(type))}, {"seat", 3}, {"id", "x-1"}};
}

std::string sealed(DocumentType type, const json& payload, const crypto::SigningKey& key,
                   const std::vector<Header>& headers = {}) {
  auto text = seal(type, payload, key, headers);
  EXPECT_TRUE(text.ok()) << text.message();
  return text.ok() ? *text : std::string();
}

void expect_error(std::string_view armored, ErrorCode code, const TrustedKeys& trusted,
                  DocumentType expected = DocumentType::license) {
  auto opened = open_document(armored, expected, trusted);
  ASSERT_FALSE(opened.ok()) << armored;
  EXPECT_EQ(opened.code(), code) << opened.message();
  EXPECT_FALSE(opened.message().empty());
}

class Documents : public ::testing::Test {
 protected:
  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
  TrustedKeys trusted_{{vendor_.public_key()}};
  std::string kid_ = crypto::key_id(vendor_.public_key());
};

TEST_F(Documents, EveryTypeRoundTripsWithItsLabelAndHeaders) {
  for (const DocumentType type : kAllTypes) {
    const std::string text = sealed(type, payload_of(type), vendor_, license_headers());
    EXPECT_EQ(text.rfind("-----BEGIN NODELOCK " + std::string(armor_label(type)) + "-----\n", 0),
              0u);
    auto opened = open_document(text, type, trusted_);
    ASSERT_TRUE(opened.ok()) << opened.message();
    EXPECT_EQ(opened->type(), type);
    EXPECT_EQ(opened->kid(), kid_);
    EXPECT_EQ(opened->payload(), payload_of(type));
    ASSERT_EQ(opened->headers().size(), 3u);
    EXPECT_EQ(opened->headers()[1].name, "Licensee");
    EXPECT_EQ(opened->headers()[1].value, "Müller & Söhne Ingenieure GmbH");
    EXPECT_EQ(document_type_named(type_name(type)), type);
  }
}

TEST_F(Documents, ArmorFollowsTheFormat) {
  const std::string text =
      sealed(DocumentType::license, license_payload(), vendor_, {{"Product", "Acme CAD 4"}});
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "-----BEGIN NODELOCK LICENSE-----");
  EXPECT_EQ(lines[1], "Product: Acme CAD 4");
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines.back(), "-----END NODELOCK LICENSE-----");
  std::string body;
  for (std::size_t i = 3; i + 1 < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 64u);
    if (i + 2 < lines.size()) {
      EXPECT_EQ(lines[i].size(), 64u);
    }
    body += lines[i];
  }
  auto envelope_bytes = encoding::from_base64(body);
  ASSERT_TRUE(envelope_bytes.ok());
  auto envelope = parse_canonical(std::string(envelope_bytes->begin(), envelope_bytes->end()));
  ASSERT_TRUE(envelope.ok()) << envelope.message();
  EXPECT_EQ((*envelope)["alg"], "ed25519");
  EXPECT_EQ((*envelope)["kid"], kid_);
  EXPECT_EQ((*envelope)["payload"], license_payload());
  auto signature = encoding::from_base64((*envelope)["sig"].get<std::string>());
  ASSERT_TRUE(signature.ok());
  ASSERT_EQ(signature->size(), 64u);
  crypto::Signature sig;
  std::copy(signature->begin(), signature->end(), sig.bytes.begin());
  EXPECT_TRUE(
      crypto::verify(vendor_.public_key(),
                     testing::signing_message("LICENSE", *canonical_json(license_payload())), sig));
}

TEST_F(Documents, AnotherTypeIsAWrongDocumentNamingBothTypes) {
  const std::string receipt = sealed(DocumentType::deactivation_receipt,
                                     payload_of(DocumentType::deactivation_receipt), vendor_);
  auto opened = open_document(receipt, DocumentType::license, trusted_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.code(), ErrorCode::wrong_document);
  EXPECT_NE(opened.message().find("a deactivation receipt"), std::string::npos);
  EXPECT_NE(opened.message().find("not a license"), std::string::npos);
}

TEST_F(Documents, AnUntrustedSignerIsUnknownAndAForgedKeyIdIsTampered) {
  const auto intruder = crypto::SigningKey::generate();
  const std::string foreign = sealed(DocumentType::license, license_payload(), intruder);
  expect_error(foreign, ErrorCode::unknown_signer, trusted_);

  const std::string forged =
      hand_signed("LICENSE", *canonical_json(license_payload()), intruder, kid_);
  expect_error(forged, ErrorCode::tampered, trusted_);
  auto message = open_document(forged, DocumentType::license, trusted_).message();
  EXPECT_NE(message.find("changed after it was signed"), std::string::npos) << message;
}

TEST_F(Documents, RotatedKeysBothVerifyByKeyId) {
  const auto next = crypto::SigningKey::generate();
  TrustedKeys both{{vendor_.public_key(), next.public_key()}};
  for (const crypto::SigningKey* key : {&std::as_const(vendor_), &next}) {
    auto opened = open_document(sealed(DocumentType::license, license_payload(), *key),
                                DocumentType::license, both);
    ASSERT_TRUE(opened.ok()) << opened.message();
    EXPECT_EQ(opened->kid(), crypto::key_id(key->public_key()));
  }
  EXPECT_TRUE(TrustedKeys().empty());
  EXPECT_EQ(both.find("0000000000000000"), nullptr);
}

// Only the specified message "nodelock-v1 <LABEL>\n<payload>" verifies: a
// signature made for another type's label, or over the bare payload, does not.
TEST_F(Documents, TheSignatureCoversTheLabelSoItCannotBeReplayedAsAnotherType) {
  const std::string payload_text = *canonical_json(payload_of(DocumentType::lease));
  const auto signed_over = [&](const std::string& message) {
    const std::string sig = encoding::base64(vendor_.sign(message).bytes);
    return testing::armor("LEASE", R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" +
                                       payload_text + R"(,"sig":")" + sig + R"("})");
  };
  auto opened = open_document(signed_over(testing::signing_message("LEASE", payload_text)),
                              DocumentType::lease, trusted_);
  ASSERT_TRUE(opened.ok()) << opened.message();
  for (const char* label : {"LICENSE", "BORROW", "ACTIVATION REQUEST", "LEASE "}) {
    expect_error(signed_over(testing::signing_message(label, payload_text)), ErrorCode::tampered,
                 trusted_, DocumentType::lease);
  }
  expect_error(signed_over(payload_text), ErrorCode::tampered, trusted_, DocumentType::lease);
}

TEST_F(Documents, DeviceSignedDocumentsVerifyWithTheKeyTheCallerChooses) {
  const auto device = crypto::SigningKey::generate();
  json request = payload_of(DocumentType::activation_request);
  request["device_public_key"] = encoding::base64(device.public_key().bytes);
  const std::string text = sealed(DocumentType::activation_request, request, device);
  auto envelope = parse_document(text);
  ASSERT_TRUE(envelope.ok()) << envelope.message();
  EXPECT_EQ(envelope->unverified_payload(), request);
  auto verified = verify_envelope(*envelope, device.public_key());
  ASSERT_TRUE(verified.ok()) << verified.message();
  EXPECT_EQ(*verified, request);
  auto other = verify_envelope(*envelope, vendor_.public_key());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), ErrorCode::unknown_signer);
}

TEST_F(Documents, WindowsLineEndingsBlanksAndAByteOrderMarkAreTolerated) {
  const std::string text =
      sealed(DocumentType::license, license_payload(), vendor_, license_headers());
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += "  \t\r";
    crlf += c;
  }
  for (const std::string& variant :
       {crlf, crlf + "\r\n\r\n", text + "\n  \n", text.substr(0, text.size() - 1), "\n" + text,
        " " + text, "\xEF\xBB\xBF" + text}) {
    auto opened = open_document(variant, DocumentType::license, trusted_);
    ASSERT_TRUE(opened.ok()) << opened.message();
    EXPECT_EQ(opened->payload(), license_payload());
    EXPECT_EQ(opened->headers()[0].value, "Acme CAD 4");
  }
}

TEST_F(Documents, OversizeDocumentsAreRefused) {
  std::string padded = sealed(DocumentType::license, license_payload(), vendor_);
  padded += std::string(kMaxDocumentFileSize, '\n');
  expect_error(padded, ErrorCode::payload_too_large, trusted_);

  json huge = license_payload();
  huge["licensee"] = std::string(60 * 1024, 'x');
  auto text = seal(DocumentType::license, huge, vendor_);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.code(), ErrorCode::payload_too_large);
}

TEST_F(Documents, DeepNestingIsRefusedWhenSealingAndWhenParsing) {
  json payload = payload_of(DocumentType::license);
  json deep = 1;
  for (int level = 0; level < 15; ++level) deep = json::array({deep});
  payload["deep"] = deep;
  auto text = seal(DocumentType::license, payload, vendor_);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.code(), ErrorCode::invalid_argument);

  const std::string hostile = R"({"deep":)" + std::string(5000, '[') + std::string(5000, ']') +
                              R"(,"type":"license","v":1})";
  expect_error(hand_signed("LICENSE", hostile, vendor_, kid_), ErrorCode::malformed, trusted_);
}

TEST_F(Documents, NonCanonicalPayloadsAreMalformedEvenWhenValidlySigned) {
  for (const char* payload :
       {R"({"type":"license","v":1,"v":1})", R"({"type":"license","v":1,"x":1.5})",
        R"({"type":"license", "v":1})", R"({"v":1,"type":"license"})",
        R"({"type":"lic\u0065nse","v":1})", R"({"type":"license","v":1.0})",
        R"({"type":"license","v":1,"x":-0})"}) {
    expect_error(hand_signed("LICENSE", payload, vendor_, kid_), ErrorCode::malformed, trusted_);
  }
}

TEST_F(Documents, EnvelopesWithWrongFieldsAreMalformed) {
  const std::string payload = *canonical_json(payload_of(DocumentType::license));
  const std::string sig =
      encoding::base64(vendor_.sign(testing::signing_message("LICENSE", payload)).bytes);
  const std::string good = R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" + payload +
                           R"(,"sig":")" + sig + R"("})";
  auto opened = open_document(testing::armor("LICENSE", good), DocumentType::license, trusted_);
  ASSERT_TRUE(opened.ok()) << opened.message();

  std::string upper_kid = kid_;
  for (char& c : upper_kid) c = static_cast<char>(std::toupper(c));
  const std::vector<std::string> envelopes = {
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" + payload + "}",
      R"({"alg":"ed25519","extra":1,"kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":")" +
          sig + R"("})",
      R"({"alg":"ed448","kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":")" + sig +
          R"("})",
      R"({"alg":"ed25519","kid":")" + upper_kid + R"(","payload":)" + payload + R"(,"sig":")" +
          sig + R"("})",
      R"({"alg":"ed25519","kid":")" + kid_.substr(2) + R"(","payload":)" + payload + R"(,"sig":")" +
          sig + R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":")" +
          sig.substr(4) + R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":")" + sig +
          "AAAA" + R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":64})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":"x","sig":")" + sig + R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":{"type":"license"},"sig":")" + sig +
          R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":{"type":"lease","v":1},"sig":")" + sig +
          R"("})",
      R"({"alg":"ed25519","kid":")" + kid_ + R"(","payload":{"type":"license","v":2},"sig":")" +
          sig + R"("})",
      R"({"alg": "ed25519","kid":")" + kid_ + R"(","payload":)" + payload + R"(,"sig":")" + sig +
          R"("})",
      "[]",
      "not json",
  };
  for (const std::string& envelope : envelopes) {
    expect_error(testing::armor("LICENSE", envelope), ErrorCode::malformed, trusted_);
  }
}

TEST_F(Documents, BrokenArmorIsMalformed) {
  const std::string text =
      sealed(DocumentType::license, license_payload(), vendor_, license_headers());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string copy = text;
    copy.replace(copy.find(from), from.size(), to);
    return copy;
  };
  const std::vector<std::string> variants = {
      "",
      "\n\n",
      replaced("-----BEGIN NODELOCK LICENSE-----", "-----BEGIN NODELOCK LICENCE-----"),
      replaced("-----END NODELOCK LICENSE-----", "-----END NODELOCK LEASE-----"),
      replaced("-----BEGIN NODELOCK LICENSE-----", "-----BEGIN PGP MESSAGE-----"),
      replaced("-----BEGIN NODELOCK LICENSE-----", "-----BEGIN NODELOCK license-----"),
      replaced("-----END NODELOCK LICENSE-----\n", ""),
      replaced("Product: Acme CAD 4", "Product Acme CAD 4"),
      replaced("Product: Acme CAD 4", "Product:  Acme CAD 4"),
      replaced("Product: Acme CAD 4", "Pro duct: Acme CAD 4"),
      replaced("Product: Acme CAD 4", "Product: Acme \x1B[2J CAD"),
      replaced("Product: Acme CAD 4", "Product: Acme \xC2\x9B CAD"),
      replaced("Product: Acme CAD 4", "Product: Acme \xFF CAD"),
      replaced("Product: Acme CAD 4", "Product: " + std::string(300, 'x')),
      replaced("Machine: NL-7K2M-Q9XD-4TRB-0WHE\n\n", "Machine: NL-7K2M-Q9XD-4TRB-0WHE\n"),
      text.substr(0, text.find("\n\n") + 2) + "-----END NODELOCK LICENSE-----\n",
  };
  for (const std::string& variant : variants) {
    expect_error(variant, ErrorCode::malformed, trusted_);
  }
  std::string many_headers = "-----BEGIN NODELOCK LICENSE-----\n";
  for (int i = 0; i < 17; ++i) many_headers += "H" + std::to_string(i) + ": x\n";
  expect_error(many_headers + text.substr(text.find("\n\n") + 1), ErrorCode::malformed, trusted_);
}

TEST_F(Documents, SealRefusesPayloadsAndHeadersItCouldNotStandBehind) {
  const std::vector<json> payloads = {
      json::array({1}),
      {{"type", "license"}},
      {{"v", 2}, {"type", "license"}},
      {{"v", "1"}, {"type", "license"}},
      {{"v", 1}, {"type", "lease"}},
      {{"v", 1}},
      {{"v", 1}, {"type", "license"}, {"price", 9.99}},
      {{"v", 1}, {"type", "license"}, {"name", "\xC3"}},
  };
  for (const json& payload : payloads) {
    auto text = seal(DocumentType::license, payload, vendor_);
    ASSERT_FALSE(text.ok()) << payload.dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_EQ(text.code(), ErrorCode::invalid_argument);
  }
  const std::vector<Header> headers[] = {
      {{"", "x"}},          {{"Pro duct", "x"}},       {{"Product:", "x"}},
      {{"Product", ""}},    {{"Product", " x"}},       {{"Product", "x\ny"}},
      {{"Product", "x\r"}}, {{"Product", "\x1B[31m"}}, {{"Product", std::string(300, 'x')}},
  };
  for (const auto& bad : headers) {
    auto text = seal(DocumentType::license, license_payload(), vendor_, bad);
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.code(), ErrorCode::invalid_argument);
  }
}

}  // namespace
}  // namespace nodelock
