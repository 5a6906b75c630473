// The activation rules, driven in-process with a clock the test moves:
// terms, grace, trials, check-in dates, request windows and machine tolerance.
#include <gtest/gtest.h>

#include "nodelock/activation/document.h"
#include "service_fixture.h"

namespace nodelock::server::testing {
namespace {

constexpr UnixTime kDay = 86400;

class ActivationServiceTest : public ServiceTest {
 protected:
  ActivationServiceTest() : activation_(context_) {}

  void SetUp() override {
    ASSERT_TRUE(admin_.create_product(caller(AdminRole::admin), {"acme-cad", "Acme CAD", 0}).ok());
  }

  NewLicense order(LicenseOrder order) {
    order.product = "acme-cad";
    auto created = admin_.create_license(caller(AdminRole::admin), order);
    EXPECT_TRUE(created.ok()) << created.message();
    return created.value();
  }

  NewLicense one_seat() {
    LicenseOrder wanted;
    wanted.max_activations = 1;
    return order(wanted);
  }

  ActivationAnswer activate(const TestMachine& machine, const NewLicense& license) {
    return activation_.activate(machine.activation_request(license.key, "acme-cad", now_));
  }

  nodelock::License license_document(const ActivationAnswer& answer) {
    TrustedKeys trusted({vendor_key_.public_key()});
    auto document = open_document(answer.result->license, DocumentType::license, trusted);
    EXPECT_TRUE(document.ok()) << document.message();
    return license_from_payload(document->payload()).value();
  }

  ActivationService activation_;
};

TEST_F(ActivationServiceTest, LicenseCarriesTheOrderAndTheMachine) {
  LicenseOrder wanted;
  wanted.max_activations = 2;
  wanted.features = {"export", "render"};
  wanted.max_version = 4;
  wanted.licensee = "Example Ltd";
  const NewLicense license = order(wanted);
  const TestMachine machine;
  const std::string armored = machine.activation_request(license.key, "acme-cad", now_);
  auto answer = activation_.activate(armored);
  ASSERT_TRUE(answer.result.ok()) << answer.result.message();
  const nodelock::License document = license_document(answer);
  EXPECT_EQ(document.license_id, license.license.id);
  EXPECT_EQ(document.activation_id, answer.result->activation_id);
  EXPECT_EQ(document.product, "acme-cad");
  EXPECT_EQ(document.licensee, "Example Ltd");
  EXPECT_EQ(document.features, wanted.features);
  EXPECT_EQ(document.max_version, 4);
  EXPECT_EQ(document.term, Term::perpetual);
  EXPECT_EQ(document.fingerprint, machine.fingerprint());
  EXPECT_EQ(document.machine_id, machine.fingerprint().machine_id());
  EXPECT_EQ(document.device_public_key, machine.device_key().public_key());
  EXPECT_EQ(document.issued_at, now_);
  EXPECT_EQ(document.refresh_by, now_ + 30 * kDay);
  EXPECT_EQ(answer.seats->used, 1);
  EXPECT_EQ(answer.seats->max, 2);
}

TEST_F(ActivationServiceTest, SubscriptionWorksThroughItsGraceDaysThenExpires) {
  LicenseOrder wanted;
  wanted.expires_at = now_ + 10 * kDay;
  wanted.grace_days = 3;
  const NewLicense license = order(wanted);
  const TestMachine machine;
  auto first = activate(machine, license);
  ASSERT_TRUE(first.result.ok());
  EXPECT_EQ(license_document(first).refresh_by, now_ + 13 * kDay);

  now_ += 12 * kDay;
  EXPECT_TRUE(activate(machine, license).result.ok());
  now_ += 2 * kDay;
  auto late = activate(machine, license);
  ASSERT_FALSE(late.result.ok());
  EXPECT_EQ(late.result.code(), ErrorCode::expired);
}

TEST_F(ActivationServiceTest, TrialRunsFromItsFirstActivation) {
  LicenseOrder wanted;
  wanted.trial_days = 14;
  const NewLicense license = order(wanted);
  now_ += 30 * kDay;
  auto first = activate(TestMachine(), license);
  ASSERT_TRUE(first.result.ok()) << first.result.message();
  const nodelock::License document = license_document(first);
  EXPECT_EQ(document.term, Term::trial);
  EXPECT_EQ(document.expires_at, now_ + 14 * kDay);
  now_ += 15 * kDay;
  EXPECT_EQ(activate(TestMachine(), license).result.code(), ErrorCode::expired);
}

TEST_F(ActivationServiceTest, RequestsOutsideTheWindowAreRefused) {
  const NewLicense license = order({});
  const TestMachine machine;
  EXPECT_EQ(activation_.activate(machine.activation_request(license.key, "acme-cad", now_ - 601))
                .result.code(),
            ErrorCode::request_expired);
  EXPECT_EQ(activation_.activate(machine.activation_request(license.key, "acme-cad", now_ + 601))
                .result.code(),
            ErrorCode::request_expired);
  EXPECT_TRUE(activation_.activate(machine.activation_request(license.key, "acme-cad", now_ - 599))
                  .result.ok());
}

TEST_F(ActivationServiceTest, ChangedMachineGetsItsSeatBackAndADifferentOneDoesNot) {
  const NewLicense license = one_seat();
  const TestMachine machine;
  auto first = activate(machine, license);
  ASSERT_TRUE(first.result.ok());

  const TestMachine repaired = machine.with_new_disk();
  auto again = activate(repaired, license);
  ASSERT_TRUE(again.result.ok()) << again.result.message();
  EXPECT_TRUE(again.result->existing);
  EXPECT_EQ(again.result->activation_id, first.result->activation_id);
  EXPECT_EQ(license_document(again).fingerprint, repaired.fingerprint());

  auto other = activate(TestMachine(), license);
  ASSERT_FALSE(other.result.ok());
  EXPECT_EQ(other.result.code(), ErrorCode::activation_limit);
  EXPECT_NE(other.result.message().find("1 of 1 machines"), std::string::npos)
      << other.result.message();
  EXPECT_EQ(other.seats->used, 1);
}

// The installation holding a seat is known by its device key: a machine the
// seat's fingerprint matches under another key (a copy of its disk, or the
// machine itself after its store was lost) never takes the seat over.
TEST_F(ActivationServiceTest, AMatchingMachineUnderAnotherDeviceKeyNeverTakesTheSeat) {
  const NewLicense license = one_seat();
  const TestMachine machine;
  auto first = activate(machine, license);
  ASSERT_TRUE(first.result.ok());

  auto reinstalled = activate(machine.with_new_disk_and_device_key(), license);
  ASSERT_FALSE(reinstalled.result.ok());
  EXPECT_EQ(reinstalled.result.code(), ErrorCode::cloned);
  EXPECT_NE(reinstalled.result.message().find(first.result->activation_id), std::string::npos)
      << reinstalled.result.message();
  EXPECT_EQ(reinstalled.seats->used, 1);
  auto held = store_->activation(first.result->activation_id);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->fingerprint, fingerprint::to_json(machine.fingerprint()).dump())
      << "the seat keeps its enrolment";
  EXPECT_TRUE(activation_
                  .activate(machine.refresh_request(license.key, "acme-cad",
                                                    first.result->activation_id, now_))
                  .result.ok());
}

TEST_F(ActivationServiceTest, RefreshRenewsOnlyTheSeatOfItsDeviceKey) {
  const NewLicense license = order({});
  const TestMachine machine;
  auto first = activate(machine, license);
  ASSERT_TRUE(first.result.ok());
  now_ += 5 * kDay;
  auto renewed = activation_.activate(
      machine.refresh_request(license.key, "acme-cad", first.result->activation_id, now_));
  ASSERT_TRUE(renewed.result.ok()) << renewed.result.message();
  EXPECT_EQ(renewed.result->activation_id, first.result->activation_id);
  EXPECT_EQ(license_document(renewed).refresh_by, now_ + 30 * kDay);

  auto stranger = activation_.activate(
      TestMachine().refresh_request(license.key, "acme-cad", first.result->activation_id, now_));
  EXPECT_EQ(stranger.result.code(), ErrorCode::machine_mismatch);
}

TEST_F(ActivationServiceTest, SuspendedAndRevokedLicensesRefuseRefresh) {
  const NewLicense license = order({});
  const TestMachine machine;
  auto first = activate(machine, license);
  ASSERT_TRUE(first.result.ok());
  const std::string& activation_id = first.result->activation_id;
  ASSERT_TRUE(admin_
                  .set_license_state(caller(AdminRole::support), license.license.id,
                                     LicenseState::suspended)
                  .ok());
  EXPECT_EQ(
      activation_.activate(machine.refresh_request(license.key, "acme-cad", activation_id, now_))
          .result.code(),
      ErrorCode::suspended);
  ASSERT_TRUE(
      admin_
          .set_license_state(caller(AdminRole::support), license.license.id, LicenseState::revoked)
          .ok());
  EXPECT_EQ(
      activation_.activate(machine.refresh_request(license.key, "acme-cad", activation_id, now_))
          .result.code(),
      ErrorCode::revoked);
  EXPECT_EQ(
      admin_.set_license_state(caller(AdminRole::support), license.license.id, LicenseState::active)
          .code(),
      ErrorCode::conflict);
}

TEST_F(ActivationServiceTest, WeakMachineIsRefusedBeforeItTakesASeatUnlessThePolicyFitsIt) {
  const NewLicense standard = order({});
  const TestMachine weak = TestMachine::weak_identity();
  auto refused = activate(weak, standard);
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.code(), ErrorCode::machine_mismatch);
  EXPECT_NE(refused.result.message().find("dongle"), std::string::npos) << refused.result.message();
  EXPECT_EQ(store_->license(standard.license.id)->seats_used, 0);

  LicenseOrder lenient;
  lenient.match_policy = fingerprint::MatchPolicy::standard();
  lenient.match_policy->threshold = 3;
  const NewLicense fitting = order(lenient);
  auto granted = activate(weak, fitting);
  ASSERT_TRUE(granted.result.ok()) << granted.result.message();
  EXPECT_EQ(license_document(granted).match_policy.threshold, 3);
  EXPECT_TRUE(activate(weak, fitting).result->existing);
}

TEST_F(ActivationServiceTest, MachineIdMustBelongToTheFingerprint) {
  const NewLicense license = order({});
  const TestMachine machine;
  ActivationRequest request = machine.request(license.key, "acme-cad", now_);
  request.machine_id = TestMachine().fingerprint().machine_id();
  EXPECT_EQ(activation_.activate(machine.sign(request)).result.code(), ErrorCode::malformed);
}

TEST_F(ActivationServiceTest, RolesLimitWhatAnAdminTokenMayDo) {
  EXPECT_EQ(admin_.create_product(caller(AdminRole::support), {"other", "Other", 0}).code(),
            ErrorCode::forbidden);
  EXPECT_EQ(admin_.create_license(caller(AdminRole::viewer), LicenseOrder{}).code(),
            ErrorCode::forbidden);
  const NewLicense license = order({});
  EXPECT_EQ(
      admin_
          .set_license_state(caller(AdminRole::viewer), license.license.id, LicenseState::suspended)
          .code(),
      ErrorCode::forbidden);
  EXPECT_TRUE(admin_.licenses(AdminRole::viewer, "").ok());
  EXPECT_EQ(admin_.create_admin_token(caller(AdminRole::support), AdminRole::viewer).code(),
            ErrorCode::forbidden);

  auto token = admin_.create_admin_token(caller(AdminRole::admin), AdminRole::viewer);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(admin_.authenticate(token->token, "test").value().role, AdminRole::viewer);
  EXPECT_EQ(admin_.authenticate(token->token, "test").value().token_id, token->id);
  std::string wrong = token->token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(admin_.authenticate(wrong, "test").code(), ErrorCode::unauthorized);
  EXPECT_EQ(admin_.authenticate("", "test").code(), ErrorCode::unauthorized);
}

TEST_F(ActivationServiceTest, LicenseOrdersOutOfBoundsAreRefusedByField) {
  const auto refused = [&](LicenseOrder wanted, const std::string& field) {
    wanted.product = "acme-cad";
    auto created = admin_.create_license(caller(AdminRole::admin), wanted);
    ASSERT_FALSE(created.ok()) << field;
    EXPECT_EQ(created.code(), ErrorCode::invalid_argument);
    EXPECT_NE(created.message().find(field), std::string::npos) << created.message();
  };
  LicenseOrder wanted;
  wanted.max_activations = 0;
  refused(wanted, "max_activations");
  wanted = {};
  wanted.expires_at = now_ - 1;
  refused(wanted, "past");
  wanted = {};
  wanted.expires_at = now_ + kDay;
  wanted.trial_days = 3;
  refused(wanted, "not both");
  wanted = {};
  wanted.features = {"Export!"};
  refused(wanted, "feature");
  wanted = {};
  wanted.floating = FloatingPolicy{};
  refused(wanted, "floating licenses only");
  wanted = {};
  wanted.model = SeatModel::floating;
  wanted.floating = FloatingPolicy{};
  wanted.floating->lease_ttl_seconds = 0;
  refused(wanted, "lease_ttl");
  EXPECT_TRUE(store_->licenses("").value().empty());
}

}  // namespace
}  // namespace nodelock::server::testing
