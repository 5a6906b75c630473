// Site license files: one vendor-signed SITE LICENSE per site, for the
// air-gapped machines of a site license. The file is bound to a site id
// instead of a fingerprint, so every machine of the site that presents the
// id runs it, and none of them takes a seat or ever checks in.
//
// Support issues them. Each file issued is recorded in the audit log
// (`license.site_file`, with its site id and dates); the file itself is not
// kept, since the same request gives an equivalent one. Knows nothing of
// HTTP, and may be called from many threads at once.
#pragma once

#include <string>
#include <string_view>

#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/result.h"
#include "nodelock/server/activation_service.h"
#include "nodelock/server/admin_service.h"

namespace nodelock::server {

struct IssuedSiteFile {
  std::string armored;  // the SITE LICENSE, with Product, Licensee and Site headers
  SiteLicense license;
};

class SiteFileService {
 public:
  explicit SiteFileService(ServiceContext context);

  // The site license file of license `license_id` for `site_id` (support).
  // Errors: forbidden (viewer), invalid_argument (not a site id), not_found,
  // conflict (not a site license), suspended, revoked, expired.
  [[nodiscard]] Result<IssuedSiteFile> issue(const AdminCaller& caller, std::string_view license_id,
                                             std::string_view site_id) const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
