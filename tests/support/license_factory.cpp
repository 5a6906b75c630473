#include "license_factory.h"

#include <stdexcept>

#include "nodelock/activation/document.h"
#include "nodelock/activation/encoding.h"
#include "nodelock/activation/enrolment.h"

namespace nodelock::testing {

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() /
            ("nodelock-test-" + encoding::hex(crypto::random_bytes(8)))) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

License install_test_license(const LocalStore& store, const crypto::SigningKey& vendor,
                             const std::string& product, const std::filesystem::path& sysroot,
                             std::int64_t now, const std::function<void(License&)>& adjust) {
  auto machine = this_machine(product, sysroot);
  auto device_key = store.device_key_for_request();
  if (!machine.ok() || !device_key.ok()) throw std::runtime_error("cannot read the test machine");
  License license;
  license.license_id = "lic_test";
  license.activation_id = "act_test";
  license.product = product;
  license.licensee = "Test Corp";
  license.features = {"export", "render"};
  license.issued_at = now;
  license.refresh_by = now + 30 * 24 * 3600;
  license.fingerprint = machine->fingerprint;
  license.match_policy = fingerprint::MatchPolicy::standard();
  license.machine_id = machine->machine_id;
  license.device_public_key = device_key->public_key();
  license.request_nonce = make_nonce();
  if (adjust) adjust(license);
  auto armored = seal(DocumentType::license, to_payload(license), vendor,
                      {{"Product", product}, {"Machine", license.machine_id}});
  if (!armored.ok()) throw std::runtime_error(armored.message());
  const ActivationRecord record{"http://127.0.0.1:9", "", license.license_id,
                                license.activation_id};
  if (!store.save_activation(*armored, record).ok()) {
    throw std::runtime_error("cannot write the test license");
  }
  return license;
}

std::string install_test_site_license(const LocalStore& store, const crypto::SigningKey& vendor,
                                      const std::string& product, const std::string& site_id,
                                      std::int64_t now,
                                      const std::function<void(SiteLicense&)>& adjust) {
  SiteLicense license;
  license.license_id = "lic_site";
  license.product = product;
  license.licensee = "ACME Corp";
  license.site_id = site_id;
  license.features = {"export", "render"};
  license.issued_at = now;
  if (adjust) adjust(license);
  if (!store.device_key_for_request().ok()) throw std::runtime_error("cannot make the store key");
  auto armored = seal(DocumentType::site_license, to_payload(license), vendor,
                      {{"Product", product}, {"Licensee", license.licensee}, {"Site", site_id}});
  if (!armored.ok()) throw std::runtime_error(armored.message());
  if (!store.save_site_license(*armored).ok()) {
    throw std::runtime_error("cannot write the test site license");
  }
  return *armored;
}

std::filesystem::path fixture_host(const std::string& name) {
  return std::filesystem::path(NODELOCK_TESTS_DIR) / "fixtures" / "hosts" / name;
}

}  // namespace nodelock::testing
