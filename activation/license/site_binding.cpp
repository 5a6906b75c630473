#include "nodelock/activation/site_binding.h"

#include <string>

namespace nodelock {

Error outside_site(std::string_view licensee, std::string_view file_site,
                   std::string_view presented) {
  const std::string of = licensee.empty() ? "" : " of " + std::string(licensee);
  const std::string opening =
      "This site license" + of + " is for site '" + std::string(file_site) + "', and this machine ";
  // Naming the file's site as the id to set would invite installing one
  // site's file at another: the site id is only what the machine declares.
  if (presented.empty()) {
    return make_error(
        ErrorCode::outside_site,
        opening +
            "has no site id. A site license runs only on the machines of its own site. If this "
            "machine stands at that site, its administrator gives it the site's id once, with "
            "`nodelock offline install FILE --site-id SITE`; otherwise ask support for the "
            "file of this machine's own site.");
  }
  return make_error(ErrorCode::outside_site,
                    opening + "belongs to site '" + std::string(presented) +
                        "'. A site license runs only on the machines of its own site: ask "
                        "support for the site license file of site '" +
                        std::string(presented) + "'.");
}

}  // namespace nodelock
