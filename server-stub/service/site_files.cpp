#include "nodelock/server/site_files.h"

#include <utility>

#include "license_rules.h"
#include "nodelock/activation/document.h"

namespace nodelock::server {

namespace {

// Headers are for people only; a licensee spelt with spaces around it must
// not keep the file from being written.
std::string header_text(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "-";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

SiteFileService::SiteFileService(ServiceContext context) : context_(std::move(context)) {}

Result<IssuedSiteFile> SiteFileService::issue(const AdminCaller& caller,
                                              std::string_view license_id,
                                              std::string_view site_id) const {
  if (caller.role == AdminRole::viewer) {
    return make_error(ErrorCode::forbidden,
                      "issuing a site license file needs an admin token with the support or "
                      "admin role; this one is viewer");
  }
  if (!is_identifier(site_id)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + std::string(site_id) +
                          "' is not a site id: 1-64 of a-z, 0-9, '-', '_' and '.', such as "
                          "acme-hq");
  }
  auto license = context_.store.license(license_id);
  if (!license.ok()) return license.error();
  if (license->model != SeatModel::site) {
    return make_error(ErrorCode::conflict,
                      "license " + key_display(*license) + " is a " +
                          std::string(seat_model_name(license->model)) +
                          " license; site license files are made only for site licenses");
  }
  const UnixTime now = context_.clock();
  // A trial counts from its first activation, which a site file is not:
  // until then it has no end a file could carry.
  if (license->term == Term::trial && !license->expires_at) {
    return make_error(ErrorCode::conflict,
                      "trial license " + key_display(*license) +
                          " has not started; site license files are made for perpetual "
                          "licenses and subscriptions");
  }
  if (Status admitted = admit(*license, now); !admitted.ok()) return admitted.error();

  IssuedSiteFile issued;
  SiteLicense& file = issued.license;
  file.license_id = license->id;
  file.product = license->product_id;
  file.licensee = license->licensee;
  file.site_id = std::string(site_id);
  file.term = license->term;
  file.features = license->features;
  file.issued_at = now;
  file.expires_at = license->expires_at;
  file.grace_days = license->grace_days;
  if (license->max_version) file.max_version = *license->max_version;
  file.maintenance_end = license->maintenance_end;
  auto armored = seal(DocumentType::site_license, to_payload(file), context_.vendor_key,
                      {{"Product", license->product_id},
                       {"Licensee", header_text(license->licensee)},
                       {"Site", file.site_id}});
  if (!armored.ok()) return armored.error();

  AuditEntry entry;
  entry.at = now;
  entry.actor = caller.token_id;
  entry.action = "license.site_file";
  entry.subject = license->id;
  entry.before = "null";
  nlohmann::json after = {{"site_id", file.site_id}, {"issued_at", now}};
  if (file.expires_at) after["expires_at"] = *file.expires_at;
  entry.after = after.dump();
  // No file leaves without its entry: the log is how support finds every
  // site that holds one.
  if (Status recorded = context_.store.append_audit(entry); !recorded.ok()) {
    return recorded.error();
  }
  issued.armored = std::move(*armored);
  return issued;
}

}  // namespace nodelock::server
