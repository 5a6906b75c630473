// Whether a machine asking for a seat on a site license is inside its site.
#pragma once

#include <string_view>

#include "nodelock/crypto/result.h"
#include "nodelock/server/store_records.h"

namespace nodelock::server {

// Where the asking machine is, as far as the server can tell.
struct SiteVisit {
  // The HTTP peer's address. Empty for a request support submitted on behalf
  // of an air-gapped machine: the server never saw that machine, so its
  // networks are support's to vouch for, and only the domain is checked.
  std::string_view address;
  std::string_view hostname;  // as the signed request names it
};

// ok for a license of another model and for a machine inside the site;
// outside_site otherwise, naming what was checked and what to do.
[[nodiscard]] Status admit_to_site(const License& license, const SiteVisit& visit);

}  // namespace nodelock::server
