// Self-service releases in process, with a clock the test moves: the rolling
// 30-day allowance, the holder confined to their own license, the refusal the
// released machine hears, and who may change the allowance.
#include <gtest/gtest.h>

#include "nodelock/crypto/utc_time.h"
#include "nodelock/server/self_service.h"
#include "service_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr UnixTime kDay = 86400;

class SelfServiceReleaseTest : public ServiceTest {
 protected:
  SelfServiceReleaseTest() : activation_(context_), holders_(context_) {}

  void SetUp() override {
    ASSERT_TRUE(admin_.create_product(caller(AdminRole::admin), {"acme-cad", "Acme CAD", 0}).ok());
  }

  NewLicense order(int seats, int releases_per_month) {
    LicenseOrder wanted;
    wanted.product = "acme-cad";
    wanted.max_activations = seats;
    wanted.self_service_releases_per_month = releases_per_month;
    auto created = admin_.create_license(caller(AdminRole::admin), wanted);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.value();
  }

  std::string activate(const TestMachine& machine, const NewLicense& license) {
    auto answer = activation_.activate(machine.activation_request(license.key, "acme-cad", now_));
    EXPECT_TRUE(answer.result.ok()) << answer.result.message();
    return answer.result.ok() ? answer.result->activation_id : "";
  }

  Result<HolderRelease> release(const NewLicense& license, const std::string& device) {
    auto holder = holders_.authenticate(license.key);
    if (!holder.ok()) return holder.error();
    return holders_.release(*holder, device);
  }

  int seats_used(const NewLicense& license) {
    return store_->license(license.license.id)->seats_used;
  }

  ActivationService activation_;
  SelfService holders_;
};

TEST_F(SelfServiceReleaseTest, ReleasesCountInARolling30DayWindow) {
  const NewLicense license = order(3, 2);
  const TestMachine first, second, third;
  const std::string first_seat = activate(first, license);
  const std::string second_seat = activate(second, license);
  activate(third, license);
  const UnixTime first_released_at = now_;

  auto once = release(license, first_seat);
  ASSERT_TRUE(once.ok()) << once.message();
  EXPECT_EQ(once->released.state, ActivationState::released);
  EXPECT_EQ(once->released.released_at, now_);
  EXPECT_EQ(once->license.seats_used, 2);
  EXPECT_EQ(once->allowed, 2);
  EXPECT_EQ(once->made, 1);
  EXPECT_FALSE(once->next_possible_at);

  now_ += 10 * kDay;
  auto twice = release(license, second.fingerprint().machine_id());
  ASSERT_TRUE(twice.ok()) << twice.message();
  EXPECT_EQ(twice->released.id, second_seat) << "found by its machine ID";
  EXPECT_EQ(twice->made, 2);
  EXPECT_EQ(twice->next_possible_at, first_released_at + 30 * kDay);

  auto refused = release(license, third.fingerprint().machine_id());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::forbidden);
  EXPECT_NE(refused.message().find("allows 2 self-service releases in 30 days and 2 were made"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find(utc_timestamp(first_released_at + 30 * kDay)), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("support can still reset"), std::string::npos);
  EXPECT_EQ(seats_used(license), 1) << "the refusal changed nothing";

  now_ = first_released_at + 30 * kDay;
  auto lapsed = release(license, third.fingerprint().machine_id());
  ASSERT_TRUE(lapsed.ok()) << "the oldest release has left the window: " << lapsed.message();
  EXPECT_EQ(lapsed->made, 2);
  EXPECT_EQ(seats_used(license), 0);
}

TEST_F(SelfServiceReleaseTest, SupportResetsDoNotSpendTheHoldersAllowanceNorTheOtherWayRound) {
  LicenseOrder wanted;
  wanted.product = "acme-cad";
  wanted.max_activations = 3;
  wanted.self_service_releases_per_month = 1;
  wanted.max_resets_per_year = 1;
  auto created = admin_.create_license(caller(AdminRole::admin), wanted);
  ASSERT_TRUE(created.ok()) << created.message();
  const TestMachine first, second, third;
  const std::string first_seat = activate(first, *created);
  const std::string second_seat = activate(second, *created);
  const std::string third_seat = activate(third, *created);

  ASSERT_TRUE(release(*created, first_seat).ok());
  auto reset = admin_.reset_activation(caller(AdminRole::support), second_seat, false);
  ASSERT_TRUE(reset.ok()) << "a release is not a reset: " << reset.message();
  EXPECT_EQ(release(*created, third_seat).code(), ErrorCode::forbidden) << "1 a month, spent";
}

TEST_F(SelfServiceReleaseTest, ALicenseWithoutAnAllowanceSendsTheHolderToSupport) {
  const NewLicense license = order(1, 0);
  const TestMachine machine;
  const std::string seat = activate(machine, license);
  auto refused = release(license, seat);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::forbidden);
  EXPECT_NE(refused.message().find("does not allow releasing machines by self-service"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("support can still reset"), std::string::npos);
  EXPECT_EQ(seats_used(license), 1);
}

TEST_F(SelfServiceReleaseTest, AHolderReachesOnlyTheirOwnLicensesSeats) {
  const NewLicense mine = order(1, 5);
  const NewLicense theirs = order(1, 5);
  const TestMachine my_machine, their_machine;
  activate(my_machine, mine);
  const std::string their_seat = activate(their_machine, theirs);

  for (const std::string& device : {their_seat, their_machine.fingerprint().machine_id()}) {
    auto refused = release(mine, device);
    ASSERT_FALSE(refused.ok()) << device;
    EXPECT_EQ(refused.code(), ErrorCode::not_found) << device;
    EXPECT_EQ(refused.message().find("active"), std::string::npos)
        << "nothing is told of another license's seat: " << refused.message();
  }
  EXPECT_EQ(store_->activation(their_seat)->state, ActivationState::active);
  EXPECT_EQ(seats_used(theirs), 1);
  EXPECT_EQ(release(mine, "act_0193a1b2c3d4e5f6a7b8c9").code(), ErrorCode::not_found)
      << "no such activation anywhere";
}

TEST_F(SelfServiceReleaseTest, ASeatAlreadyFreeOrADeviceOfNeitherFormIsRefused) {
  const NewLicense license = order(2, 5);
  const TestMachine machine;
  const std::string seat = activate(machine, license);
  ASSERT_TRUE(release(license, seat).ok());
  auto again = release(license, seat);
  EXPECT_EQ(again.code(), ErrorCode::conflict) << again.message();
  EXPECT_EQ(release(license, machine.fingerprint().machine_id()).code(), ErrorCode::not_found)
      << "the machine holds no seat any more";
  for (const char* device : {"", "NL-1234", "act_", "act_0193A1B2C3D4E5F6A7B8C9",
                             "act_0193a1b2c3d4e5f6a7b8c9x", "lic_0193a1b2c3d4e5f6a7b8c9"}) {
    auto refused = release(license, device);
    EXPECT_EQ(refused.code(), ErrorCode::invalid_argument) << "'" << device << "'";
  }
}

TEST_F(SelfServiceReleaseTest, TheReleasedMachineIsRefusedAtItsNextCheckInAndMayActivateAgain) {
  const NewLicense license = order(1, 1);
  const TestMachine machine;
  const std::string seat = activate(machine, license);
  ASSERT_TRUE(release(license, seat).ok());

  now_ += kDay;
  auto refreshed =
      activation_.activate(machine.refresh_request(license.key, "acme-cad", seat, now_));
  ASSERT_FALSE(refreshed.result.ok());
  EXPECT_EQ(refreshed.result.code(), ErrorCode::seat_released);
  EXPECT_NE(refreshed.result.message().find("the license holder released"), std::string::npos)
      << refreshed.result.message();
  EXPECT_NE(refreshed.result.message().find(utc_date(now_ - kDay)), std::string::npos);

  const std::string again = activate(machine, license);
  EXPECT_FALSE(again.empty()) << "a released machine may take a free seat again";
  EXPECT_NE(again, seat);
}

TEST_F(SelfServiceReleaseTest, SupportMayLowerTheAllowanceAndOnlyAnAdminRaiseIt) {
  const NewLicense license = order(2, 2);
  const std::string id = license.license.id;
  auto lowered = admin_.set_self_service_releases(caller(AdminRole::support), id, 1);
  ASSERT_TRUE(lowered.ok()) << lowered.message();
  EXPECT_EQ(lowered->self_service_releases_per_month, 1);

  auto raised = admin_.set_self_service_releases(caller(AdminRole::support), id, 3);
  EXPECT_EQ(raised.code(), ErrorCode::forbidden);
  EXPECT_NE(raised.message().find("needs an admin token"), std::string::npos) << raised.message();
  EXPECT_EQ(admin_.set_self_service_releases(caller(AdminRole::viewer), id, 0).code(),
            ErrorCode::forbidden);
  EXPECT_EQ(admin_.set_self_service_releases(caller(AdminRole::admin), id, -1).code(),
            ErrorCode::invalid_argument);
  EXPECT_EQ(admin_.set_self_service_releases(caller(AdminRole::admin), "lic_nothing", 1).code(),
            ErrorCode::not_found);
  EXPECT_EQ(store_->license(id)->self_service_releases_per_month, 1) << "refusals change nothing";

  auto by_admin = admin_.set_self_service_releases(caller(AdminRole::admin), id, 4);
  ASSERT_TRUE(by_admin.ok()) << by_admin.message();
  EXPECT_EQ(store_->license(id)->self_service_releases_per_month, 4);
}

}  // namespace
}  // namespace nodelock::server::testing
