// docs/FORMATS.md: "Any single changed byte of a document gives a clear 'tampered' error,
// never a crash and never a valid result." Every byte of a real license is
// changed, deleted, and the text cut at every length; each variant must be refused
// with a clear error, or open to exactly the original payload (possible only where
// the change falls on unsigned headers or tolerated white space).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "document_fixtures.h"
#include "nodelock/activation/document.h"

namespace nodelock {
namespace {

struct Outcomes {
  std::size_t refused = 0;
  std::size_t unchanged = 0;
  std::set<ErrorCode> codes;
};

class TamperedDocument : public ::testing::Test {
 protected:
  void SetUp() override {
    auto text = seal(DocumentType::license, testing::license_payload(), vendor_,
                     testing::license_headers());
    ASSERT_TRUE(text.ok()) << text.message();
    original_ = *text;
    ASSERT_GT(original_.size(), 1000u);
  }

  // Opens one variant; returns false (after recording a failure) when it
  // yields a payload other than the original or an unclear error.
  bool judge(const std::string& variant, const std::string& what, Outcomes& outcomes) const {
    auto opened = open_document(variant, DocumentType::license, trusted_);
    if (opened.ok()) {
      EXPECT_EQ(opened->payload(), testing::license_payload()) << what;
      ++outcomes.unchanged;
      return opened->payload() == testing::license_payload();
    }
    static const std::set<ErrorCode> kClearCodes = {ErrorCode::malformed, ErrorCode::tampered,
                                                    ErrorCode::wrong_document,
                                                    ErrorCode::unknown_signer};
    EXPECT_EQ(kClearCodes.count(opened.code()), 1u) << what << ": " << opened.message();
    EXPECT_FALSE(opened.message().empty()) << what;
    ++outcomes.refused;
    outcomes.codes.insert(opened.code());
    return kClearCodes.count(opened.code()) == 1 && !opened.message().empty();
  }

  crypto::SigningKey vendor_ = crypto::SigningKey::generate();
  TrustedKeys trusted_{{vendor_.public_key()}};
  std::string original_;
};

TEST_F(TamperedDocument, EveryChangedOrDeletedByteIsRefusedOrHarmless) {
  const auto variants_of = [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::vector<char>{static_cast<char>(byte + 1),
                             static_cast<char>(byte ^ 0x20),
                             static_cast<char>(byte ^ 0x80),
                             static_cast<char>(byte ^ 0x01),
                             ' ',
                             '\n',
                             '\0'};
  };
  Outcomes outcomes;
  std::size_t failures = 0;
  for (std::size_t at = 0; at < original_.size() && failures < 10; ++at) {
    for (const char replacement : variants_of(original_[at])) {
      if (replacement == original_[at]) continue;
      std::string variant = original_;
      variant[at] = replacement;
      if (!judge(variant, "byte " + std::to_string(at) + " replaced", outcomes)) ++failures;
    }
    std::string deleted = original_;
    deleted.erase(at, 1);
    if (!judge(deleted, "byte " + std::to_string(at) + " deleted", outcomes)) ++failures;
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(outcomes.refused, 8 * original_.size() / 2);
  EXPECT_EQ(outcomes.codes.count(ErrorCode::tampered), 1u);
  EXPECT_EQ(outcomes.codes.count(ErrorCode::malformed), 1u);
  EXPECT_EQ(outcomes.codes.count(ErrorCode::unknown_signer), 1u);
}

TEST_F(TamperedDocument, EveryTruncationIsRefusedOrHarmless) {
  Outcomes outcomes;
  std::size_t failures = 0;
  for (std::size_t length = 0; length < original_.size() && failures < 10; ++length) {
    if (!judge(original_.substr(0, length), "cut at " + std::to_string(length), outcomes)) {
      ++failures;
    }
  }
  EXPECT_EQ(failures, 0u);
  // Only the final line break may go.
  EXPECT_EQ(outcomes.unchanged, 1u);
}

}  // namespace
}  // namespace nodelock
