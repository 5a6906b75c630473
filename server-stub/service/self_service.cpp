#include "nodelock/server/self_service.h"

#include <utility>

#include "license_rules.h"
#include "nodelock/server/admin_service.h"

namespace nodelock::server {

SelfService::SelfService(ServiceContext context) : context_(std::move(context)) {}

Result<LicenseHolder> SelfService::authenticate(std::string_view typed_key) const {
  auto license = license_with_key(context_.store, context_.key_hasher, typed_key);
  if (!license.ok()) return license.error();
  return LicenseHolder{std::move(*license)};
}

Result<ActivationPage> SelfService::devices(const LicenseHolder& holder,
                                            const ActivationPageRequest& page) const {
  if (Status size = check_page_size(page); !size.ok()) return size.error();
  return context_.store.activation_page(holder.license.id, page);
}

}  // namespace nodelock::server
