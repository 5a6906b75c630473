#include "nodelock/server/site_constraint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "nodelock/activation/json_fields.h"
#include "nodelock/crypto/numbers.h"

namespace nodelock::server {

namespace {

constexpr std::size_t kMaxNetworks = 64;
constexpr std::size_t kMaxDomainLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

Error bad(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view without_trailing_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

bool is_mapped_v4(const std::uint8_t* bytes) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kPrefix, kPrefix + 12, bytes);
}

// Decimal 0..max. Unlike other numbers, a leading zero is refused, as
// inet_pton refuses one in the address before the slash: "010" is octal to
// inet_aton and its kin, so a CIDR keeps the one spelling every tool reads alike.
std::optional<int> read_prefix(std::string_view text, int max) {
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  const auto prefix = parse_whole_number(text, "prefix", 0, max);
  if (!prefix.ok()) return std::nullopt;
  return static_cast<int>(*prefix);
}

}  // namespace

std::string_view site_match_name(SiteMatch match) {
  return match == SiteMatch::any ? "any" : "all";
}

std::optional<SiteMatch> site_match_named(std::string_view name) {
  if (name == "all") return SiteMatch::all;
  if (name == "any") return SiteMatch::any;
  return std::nullopt;
}

Result<IpAddress> parse_address(std::string_view text) {
  const std::string copy(text);
  IpAddress address;
  if (copy.find(':') == std::string::npos) {
    if (::inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
  } else if (::inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
    if (is_mapped_v4(address.bytes.data())) {
      std::copy(address.bytes.begin() + 12, address.bytes.end(), address.bytes.begin());
      std::fill(address.bytes.begin() + 4, address.bytes.end(), 0);
      return address;
    }
    address.v4 = false;
    return address;
  }
  return bad("'" + copy + "' is not an IPv4 or IPv6 address");
}

std::string address_text(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(address.v4 ? AF_INET : AF_INET6, address.bytes.data(), text, sizeof text);
  return text;
}

std::string network_text(const IpNetwork& network) {
  return address_text(network.base) + "/" + std::to_string(network.prefix);
}

Result<IpNetwork> parse_network(std::string_view cidr) {
  const std::string typed(cidr);
  const auto slash = cidr.find('/');
  if (slash == std::string_view::npos) {
    return bad("'" + typed +
               "' is not a network; write ADDRESS/PREFIX, e.g. 10.0.0.0/8 (one machine: "
               "192.0.2.7/32)");
  }
  auto address = parse_address(cidr.substr(0, slash));
  if (!address.ok()) return bad("'" + typed + "' is not a network: " + address.message());
  if (!address->v4 && cidr.substr(0, slash).find('.') != std::string_view::npos) {
    return bad("'" + typed + "' is an IPv4-mapped IPv6 network; write it as IPv4");
  }
  if (address->v4 && cidr.substr(0, slash).find(':') != std::string_view::npos) {
    return bad("'" + typed + "' is an IPv4-mapped IPv6 network; write it as IPv4");
  }
  const int max = address->v4 ? 32 : 128;
  const auto prefix = read_prefix(cidr.substr(slash + 1), max);
  if (!prefix) {
    return bad("'" + typed + "' has a bad prefix length; it must be a number from 0 to " +
               std::to_string(max));
  }
  IpNetwork network{*address, *prefix};
  IpNetwork base = network;
  for (int bit = *prefix; bit < max; ++bit) {
    base.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  if (base.base.bytes != network.base.bytes) {
    return bad("'" + typed + "' has host bits set; the network is " + network_text(base));
  }
  return network;
}

bool network_contains(const IpNetwork& network, const IpAddress& address) {
  if (network.base.v4 != address.v4) return false;
  for (int bit = 0; bit < network.prefix; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((network.base.bytes[bit / 8] & mask) != (address.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

Result<std::string> normalise_domain(std::string_view typed) {
  std::string domain(without_trailing_dot(typed));
  std::transform(domain.begin(), domain.end(), domain.begin(), lower);
  const auto refused = [&](const std::string& why) {
    return bad("'" + std::string(typed) + "' is not a DNS domain (" + why +
               "); give the suffix the site's hostnames end in, e.g. corp.example.com");
  };
  if (domain.empty() || domain.size() > kMaxDomainLength) return refused("1-253 characters");
  std::size_t labels = 0;
  for (std::size_t start = 0; start <= domain.size();) {
    const std::size_t end = std::min(domain.find('.', start), domain.size());
    const std::string_view label = std::string_view(domain).substr(start, end - start);
    if (label.empty() || label.size() > kMaxLabelLength)
      return refused("a label of 1-63 characters");
    if (label.front() == '-' || label.back() == '-') {
      return refused("a label may not start or end with '-'");
    }
    const bool letters_digits_dash = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!letters_digits_dash) return refused("only letters, digits, '-' and '.'");
    ++labels;
    start = end + 1;
  }
  if (labels < 2) return refused("at least two labels");
  return domain;
}

bool under_domain(std::string_view hostname, std::string_view domain) {
  hostname = without_trailing_dot(hostname);
  domain = without_trailing_dot(domain);
  if (domain.empty() || hostname.size() < domain.size()) return false;
  const std::string_view tail = hostname.substr(hostname.size() - domain.size());
  const bool same = std::equal(tail.begin(), tail.end(), domain.begin(),
                               [](char a, char b) { return lower(a) == lower(b); });
  if (!same) return false;
  // On a label boundary: "evilcorp.example.com" is not under "corp.example.com".
  return hostname.size() == domain.size() || hostname[hostname.size() - domain.size() - 1] == '.';
}

Result<SiteConstraint> normalise_site(const SiteConstraint& typed) {
  SiteConstraint site;
  site.match = typed.match;
  site.offline_only = typed.offline_only;
  if (typed.networks.size() > kMaxNetworks) return bad("a site license takes at most 64 networks");
  std::set<std::string> seen;
  for (const std::string& cidr : typed.networks) {
    auto network = parse_network(cidr);
    if (!network.ok()) return network.error();
    std::string text = network_text(*network);
    if (!seen.insert(text).second) return bad("network " + text + " is given twice");
    site.networks.push_back(std::move(text));
  }
  if (!typed.domain.empty()) {
    auto domain = normalise_domain(typed.domain);
    if (!domain.ok()) return domain.error();
    site.domain = std::move(*domain);
  }
  const bool constrained = !site.networks.empty() || !site.domain.empty();
  if (constrained && site.offline_only) {
    return bad(
        "an offline-only site license has no networks or domain: its machines use site "
        "license files");
  }
  if (!constrained && !site.offline_only) {
    return bad(
        "a site license needs allowed networks, a domain, or offline-only (air-gapped "
        "machines with a site license file)");
  }
  return site;
}

nlohmann::json to_json(const SiteConstraint& site) {
  return {{"networks", site.networks},
          {"domain", site.domain},
          {"match", site_match_name(site.match)},
          {"offline_only", site.offline_only}};
}

std::string site_text(const SiteConstraint& site) { return to_json(site).dump(); }

Result<SiteConstraint> site_from_text(std::string_view text) {
  const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  FieldReader in(json, "stored site constraint");
  SiteConstraint site;
  site.networks = in.string_list("networks");
  site.domain = in.string("domain");
  const auto match = site_match_named(in.string("match"));
  site.match = match.value_or(SiteMatch::all);
  site.offline_only = in.boolean("offline_only");
  if (Status read = in.finish(); !read.ok() || !match) {
    return make_error(ErrorCode::server_error,
                      "a stored site constraint is unreadable; contact the vendor");
  }
  return site;
}

}  // namespace nodelock::server
