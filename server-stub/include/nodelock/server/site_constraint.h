// Where the machines of a site license must be.
//
// A site license admits any number of machines, but only inside its site: the
// client address the server sees must be in one of its networks, and/or the
// hostname in the signed request must be under its DNS domain. A site license
// without either is for air-gapped machines only, through site license files
// bound to a site id (docs/FORMATS.md, "SITE LICENSE").
//
// Networks and domains are kept in one normal form (normalise_site()), so the
// stored constraint, the audit log and the messages always spell them alike.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/result.h"

namespace nodelock::server {

// With both networks and a domain: whether a machine must be inside both, or
// inside either.
enum class SiteMatch { all, any };

std::string_view site_match_name(SiteMatch match);  // "all", "any"
std::optional<SiteMatch> site_match_named(std::string_view name);

struct SiteConstraint {
  std::vector<std::string> networks;  // CIDR, e.g. "10.0.0.0/8", "2001:db8::/32"
  std::string domain;                 // a DNS suffix, e.g. "corp.example.com"; empty: none
  SiteMatch match = SiteMatch::all;
  // No networks and no domain: only site license files, no activations.
  bool offline_only = false;
};

// An IPv4 or IPv6 address; an IPv4-mapped IPv6 address (::ffff:192.0.2.7, as a
// dual-stack socket reports an IPv4 peer) is read as the IPv4 address.
struct IpAddress {
  bool v4 = true;
  std::array<std::uint8_t, 16> bytes{};  // the first 4 for IPv4
};

struct IpNetwork {
  IpAddress base;
  int prefix = 0;
};

// invalid_argument, saying what is wrong: not an address, a prefix out of
// range, host bits set ("10.0.0.1/8" names 10.0.0.0/8).
[[nodiscard]] Result<IpNetwork> parse_network(std::string_view cidr);
[[nodiscard]] Result<IpAddress> parse_address(std::string_view text);
std::string network_text(const IpNetwork& network);  // "10.0.0.0/8"
std::string address_text(const IpAddress& address);
bool network_contains(const IpNetwork& network, const IpAddress& address);

// A domain suffix as typed: lower case, without a trailing dot, at least two
// labels of letters, digits and '-'. invalid_argument otherwise.
[[nodiscard]] Result<std::string> normalise_domain(std::string_view typed);
// True when `hostname` is `domain` or ends in "." + `domain`, compared
// without regard to case or a trailing dot, so "evilcorp.example.com" is not
// under "corp.example.com".
bool under_domain(std::string_view hostname, std::string_view domain);

// The constraint with its networks and domain in normal form. invalid_argument
// for a bad network or domain, a repeated network, more than 64 networks, or
// offline_only together with networks or a domain, or with neither and not
// offline_only.
[[nodiscard]] Result<SiteConstraint> normalise_site(const SiteConstraint& typed);

// {"networks", "domain", "match", "offline_only"}: as the API shows it, the
// audit log records it and the store keeps it (site_text(), canonical).
nlohmann::json to_json(const SiteConstraint& site);
std::string site_text(const SiteConstraint& site);
[[nodiscard]] Result<SiteConstraint> site_from_text(std::string_view text);

}  // namespace nodelock::server
