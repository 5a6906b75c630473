#include "license_output.h"

#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {

nlohmann::json license_json(const License& license) {
  nlohmann::json out = {
      {"activation_id", license.activation_id}, {"license_id", license.license_id},
      {"machine_id", license.machine_id},       {"product", license.product},
      {"licensee", license.licensee},           {"model", seat_model_name(license.model)},
      {"term", term_name(license.term)},        {"features", license.features},
      {"refresh_by", license.refresh_by}};
  if (license.expires_at) out["expires_at"] = *license.expires_at;
  if (license.max_version) out["max_version"] = *license.max_version;
  if (license.dongle) out["dongle"] = license.dongle->describe();
  return out;
}

void print_license(std::ostream& out, const License& license) {
  out << "  License:     " << license.license_id << " (" << seat_model_name(license.model) << ", "
      << term_name(license.term) << ")\n"
      << "  Licensee:    " << (license.licensee.empty() ? "-" : license.licensee) << "\n"
      << "  Activation:  " << license.activation_id << " on " << license.machine_id << "\n"
      << "  Features:    ";
  for (std::size_t i = 0; i < license.features.size(); ++i) {
    out << (i == 0 ? "" : ", ") << license.features[i];
  }
  out << (license.features.empty() ? "-\n" : "\n");
  out << "  Expires:     " << (license.expires_at ? utc_date(*license.expires_at) : "never")
      << "\n  Check in by: " << utc_date(license.refresh_by) << "\n";
  if (license.max_version) out << "  Versions:    up to " << *license.max_version << ".x\n";
  if (license.dongle)
    out << "  Dongle:      " << license.dongle->describe() << " must be plugged in\n";
}

}  // namespace nodelock::cli
