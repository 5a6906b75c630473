#include "site_rules.h"

#include <optional>

#include "license_rules.h"

namespace nodelock::server {

namespace {

std::string license_name(const License& license) {
  const std::string key = key_display(license);
  return license.licensee.empty() ? "site license " + key
                                  : "the " + license.licensee + " site license (" + key + ")";
}

std::string joined(const std::vector<std::string>& networks) {
  std::string text;
  for (const std::string& network : networks) text += (text.empty() ? "" : ", ") + network;
  return text;
}

// Empty when the address is inside one of the networks; otherwise why not.
std::optional<std::string> network_shortfall(const License& license, std::string_view peer) {
  const auto address = parse_address(peer);
  if (address.ok()) {
    for (const std::string& cidr : license.site.networks) {
      auto network = parse_network(cidr);
      if (network.ok() && network_contains(*network, *address)) return std::nullopt;
    }
  }
  const std::string seen = address.ok() ? address_text(*address) : std::string(peer);
  return "this machine's address " + seen + " is outside the networks of " + license_name(license) +
         " (" + joined(license.site.networks) + ")";
}

std::optional<std::string> domain_shortfall(const License& license, std::string_view hostname) {
  if (under_domain(hostname, license.site.domain)) return std::nullopt;
  return "this machine's hostname '" + std::string(hostname) + "' is not under " +
         license.site.domain + ", the domain of " + license_name(license) +
         " (a short name needs its full one, e.g. " + std::string(hostname) + "." +
         license.site.domain + ")";
}

Error outside(const std::string& shortfall, const char* to_do) {
  return make_error(ErrorCode::outside_site, shortfall + "; " + to_do);
}

}  // namespace

Status admit_to_site(const License& license, const SiteVisit& visit) {
  if (license.model != SeatModel::site) return {};
  const SiteConstraint& site = license.site;
  if (site.offline_only) {
    return make_error(ErrorCode::outside_site,
                      license_name(license) +
                          " is for air-gapped machines only and takes no activations; ask "
                          "support for its site license file (nodelock admin license site-file)");
  }
  constexpr const char* kToDo = "activate from the site network or ask support";
  const bool check_network = !site.networks.empty() && !visit.address.empty();
  const bool check_domain = !site.domain.empty();
  const auto network = check_network ? network_shortfall(license, visit.address) : std::nullopt;
  const auto domain = check_domain ? domain_shortfall(license, visit.hostname) : std::nullopt;
  if (site.match == SiteMatch::any && check_network && check_domain) {
    if (network && domain) return outside(*network + ", and " + *domain, kToDo);
    return {};
  }
  if (network) return outside(*network, kToDo);
  if (domain) return outside(*domain, "set its full hostname or ask support");
  return {};
}

}  // namespace nodelock::server
