// How a machine shows it belongs to a site, for SITE LICENSE files.
//
// A site license file is bound to a site id, which the site's administrator
// gives each machine once (`nodelock offline install FILE --site-id SITE`,
// kept in the store's site-id file). The id is declared by the site, not
// signed by the vendor: a file copied to another site runs there if its
// administrator declares the first site's id. The refusals below therefore
// never suggest declaring the id a file names; docs/OFFLINE.md says what this
// binding can and cannot stop.
#pragma once

#include <string_view>

#include "nodelock/crypto/result.h"

namespace nodelock {

// outside_site: a site license of `licensee` (may be empty) for site
// `file_site`, on a machine that presents `presented` (empty: no site id).
Error outside_site(std::string_view licensee, std::string_view file_site,
                   std::string_view presented);

}  // namespace nodelock
