// A response that could not run once installed is refused at install, saying
// how to renew by file: an air-gapped machine has no server to check in with.
#include <gtest/gtest.h>

#include <string>

#include "nodelock/activation/enrolment.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock {
namespace {

constexpr std::int64_t kDay = 24 * 3600;
constexpr std::int64_t kNow = 1796000000;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

License issued_days_ago(std::int64_t days) {
  License license;
  license.product = "acme-cad";
  license.issued_at = kNow - days * kDay;
  license.refresh_by = 0;
  return license;
}

TEST(InstallTerms, AResponseWithAPassedCheckInDateIsRefusedNamingTheRenewalByFile) {
  License license = issued_days_ago(40);
  license.refresh_by = kNow - 10 * kDay;
  ActivationRequest renewal;
  renewal.purpose = RequestPurpose::refresh;
  const Status refused = check_runs_once_installed(license, renewal, kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::needs_refresh);
  EXPECT_TRUE(contains(refused.message(), "so it was not installed")) << refused.message();
  EXPECT_TRUE(contains(refused.message(), "`nodelock offline request --renew --product acme-cad"))
      << refused.message();
  EXPECT_FALSE(contains(refused.message(), "nodelock refresh")) << refused.message();
}

TEST(InstallTerms, AResponseWithinItsTermOrGraceInstalls) {
  ActivationRequest first;
  License perpetual = issued_days_ago(40);
  perpetual.refresh_by = kLatestUnixTime;
  EXPECT_TRUE(check_runs_once_installed(perpetual, first, kNow).ok());

  License in_grace = issued_days_ago(40);
  in_grace.expires_at = kNow - 2 * kDay;
  in_grace.refresh_by = *in_grace.expires_at;
  in_grace.grace_days = 7;
  EXPECT_TRUE(check_runs_once_installed(in_grace, first, kNow).ok());

  in_grace.grace_days = 1;
  const Status expired = check_runs_once_installed(in_grace, first, kNow);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.code(), ErrorCode::expired);
  EXPECT_TRUE(contains(expired.message(), "(with 1 day of grace)")) << expired.message();
  EXPECT_TRUE(contains(expired.message(), "--key KEY --product acme-cad")) << expired.message();
}

}  // namespace
}  // namespace nodelock
