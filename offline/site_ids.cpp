#include "site_ids.h"

#include "nodelock/activation/document.h"
#include "nodelock/activation/payloads.h"

namespace nodelock::offline {

std::vector<std::string> other_site_licenses_bound_to(const LocalStore& store,
                                                      const std::string& site_id) {
  const std::filesystem::path root = store.directory().parent_path();
  const std::string own = store.directory().filename().string();
  std::vector<std::string> bound;
  for (const std::string& product : LocalStore::products_in(root)) {
    if (product == own) continue;
    auto text = LocalStore(root, product).read_license();
    if (!text.ok()) continue;
    auto envelope = parse_document(*text);
    if (!envelope.ok() || envelope->type() != DocumentType::site_license) continue;
    // Unverified: the file is only read to avoid breaking it, and a forged
    // one can do no more than make this install refuse.
    auto license = site_license_from_payload(envelope->unverified_payload());
    if (license.ok() && license->site_id == site_id) bound.push_back(product);
  }
  return bound;
}

Error site_id_in_use(const std::string& saved, const std::string& wanted,
                     const std::vector<std::string>& products) {
  std::string names;
  for (const std::string& product : products) names += (names.empty() ? "" : ", ") + product;
  const bool one = products.size() == 1;
  return make_error(
      ErrorCode::conflict,
      "This machine's site id is '" + saved + "', and the site license of " + names +
          (one ? " is" : " are") + " bound to it: changing it to '" + wanted + "' would stop " +
          (one ? "that license" : "those licenses") +
          ". A machine belongs to one site, whose id every product's site license must name. "
          "Ask support for this product's site license file for site '" +
          saved + "' and install it without --site-id.");
}

}  // namespace nodelock::offline
