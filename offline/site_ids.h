// The one site id a machine's store keeps, shared by every product's site
// license: changing it for one product must not silently stop another's.
#pragma once

#include <string>
#include <vector>

#include "nodelock/activation/local_store.h"
#include "nodelock/crypto/result.h"

namespace nodelock::offline {

// The products of `store`'s root, other than `store`'s own, whose installed
// SITE LICENSE is bound to `site_id`, sorted.
std::vector<std::string> other_site_licenses_bound_to(const LocalStore& store,
                                                      const std::string& site_id);

// Refuses (conflict) to change a machine's site id from `saved` to `wanted`
// when the site licenses of `products` are bound to `saved`, naming them.
Error site_id_in_use(const std::string& saved, const std::string& wanted,
                     const std::vector<std::string>& products);

}  // namespace nodelock::offline
