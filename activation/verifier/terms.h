// What a check reads of whatever it verified (a LICENSE, a SITE LICENSE or a
// BORROW), in one shape, and the rules the check applies to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nodelock/activation/payloads.h"
#include "nodelock/activation/verifier.h"
#include "nodelock/crypto/result.h"

namespace nodelock {

struct CheckResult::LicenseView {
  License license;
  std::string site_id;    // a site license file's; empty for a machine's own license
  bool borrowed = false;  // a borrowed floating seat (BORROW) rather than a license
  // This machine as it is now: its machine ID, and a warning when it matches
  // the enrolment with little to spare. Empty for a site license file.
  std::string current_machine_id;
  std::string match_warning;
};

// The Verifier's status for an error of a check.
LicenseStatus status_for(ErrorCode code);

// The term, refresh date, clock floor and version entitlement. `checks_in`:
// false for a site license file or a borrowed seat, which have no server to
// check in with. Sets `in_grace` when only grace days make it valid.
[[nodiscard]] Status check_terms(const License& license, bool checks_in,
                                 const CheckOptions& options, std::int64_t now, bool& in_grace);

// Whether the license must check in before its term ends. A license activated
// by files is issued with its refresh date at the end of its term: an
// air-gapped machine has no server to check in with.
bool asks_for_check_in(const License& license);

// The refusal of a license activated by files whose refresh date passed (one
// issued before such licenses ran for their whole term): `nodelock refresh`
// has no server to go to, so it says how to renew by file instead.
Error renewal_by_file(const License& license);

// A site license file's terms in the shape every check reads.
License terms_of(const SiteLicense& site);
// A borrowed seat's terms in the shape every check reads: it never checks
// in, and its expiry has no grace.
License terms_of(const Borrow& borrow);

// A borrowed seat ends at its expiry to the second, as the server frees it:
// expired after, saying to borrow again online.
[[nodiscard]] Status check_borrow_term(const License& terms, std::int64_t now);

// ok when the machine presents the site id a site license file is bound to.
[[nodiscard]] Status check_site(const CheckResult::LicenseView& view, std::string_view presented);

}  // namespace nodelock
