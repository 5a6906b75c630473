#include "license_factory.h"

#include <stdexcept>

#include "nodelock/activation/document.h"
#include "nodelock/activation/enrolment.h"
#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/file_io.h"

namespace nodelock::testing {

namespace {

// What a LICENSE and a BORROW share: the test terms, and the machine at
// `sysroot` with the store's device key (made if absent) they are bound to.
template <class MachineBound>
void bind_to_machine(MachineBound& document, const LocalStore& store, const std::string& product,
                     const std::filesystem::path& sysroot) {
  auto machine = this_machine(product, sysroot);
  auto device_key = store.device_key_for_request();
  if (!machine.ok() || !device_key.ok()) throw std::runtime_error("cannot read the test machine");
  document.product = product;
  document.licensee = "Test Corp";
  document.features = {"export", "render"};
  document.fingerprint = machine->fingerprint;
  document.match_policy = fingerprint::MatchPolicy::standard();
  document.machine_id = machine->machine_id;
  document.device_public_key = device_key->public_key();
  document.request_nonce = make_nonce();
}

}  // namespace

License install_test_license(const LocalStore& store, const crypto::SigningKey& vendor,
                             const std::string& product, const std::filesystem::path& sysroot,
                             std::int64_t now, const std::function<void(License&)>& adjust) {
  License license;
  bind_to_machine(license, store, product, sysroot);
  license.license_id = "lic_test";
  license.activation_id = "act_test";
  license.issued_at = now;
  license.refresh_by = now + 30 * 24 * 3600;
  if (adjust) adjust(license);
  auto armored = seal(DocumentType::license, to_payload(license), vendor,
                      {{"Product", product}, {"Machine", license.machine_id}});
  if (!armored.ok()) throw std::runtime_error(armored.message());
  ActivationRecord record;
  record.server_url = "http://127.0.0.1:9";
  record.license_id = license.license_id;
  record.activation_id = license.activation_id;
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

std::string install_test_borrow(const LocalStore& store, const crypto::SigningKey& vendor,
                                const std::string& product, const std::filesystem::path& sysroot,
                                std::int64_t now, std::int64_t days,
                                const std::function<void(Borrow&)>& adjust) {
  Borrow borrow;
  bind_to_machine(borrow, store, product, sysroot);
  borrow.lease_id = "lse_test";
  borrow.license_id = "lic_floating";
  borrow.seat = borrow.machine_id;
  borrow.issued_at = now;
  borrow.expires_at = now + days * 24 * 3600;
  if (adjust) adjust(borrow);
  auto armored = seal(DocumentType::borrow, to_payload(borrow), vendor,
                      {{"Product", product}, {"Machine", borrow.machine_id}});
  if (!armored.ok()) throw std::runtime_error(armored.message());
  if (!write_file_atomic(store.borrow_path(), *armored).ok()) {
    throw std::runtime_error("cannot write the test borrow");
  }
  return *armored;
}

}  // namespace nodelock::testing
