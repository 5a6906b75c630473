// Site constraints: networks and domains are read strictly and matched on
// exact boundaries, so a typo never widens a site.
#include "nodelock/server/site_constraint.h"

#include <gtest/gtest.h>

namespace nodelock::server {
namespace {

std::string network(const std::string& cidr) {
  auto parsed = parse_network(cidr);
  return parsed.ok() ? network_text(*parsed) : "error: " + parsed.message();
}

bool contains(const std::string& cidr, const std::string& address) {
  auto net = parse_network(cidr);
  auto addr = parse_address(address);
  EXPECT_TRUE(net.ok() && addr.ok()) << cidr << " " << address;
  return net.ok() && addr.ok() && network_contains(*net, *addr);
}

TEST(SiteNetworks, IPv4AndIPv6NetworksReadInTheirNormalForm) {
  EXPECT_EQ(network("10.0.0.0/8"), "10.0.0.0/8");
  EXPECT_EQ(network("192.0.2.7/32"), "192.0.2.7/32");
  EXPECT_EQ(network("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(network("2001:DB8:0:0::/32"), "2001:db8::/32");
  EXPECT_EQ(network("fd00::/8"), "fd00::/8");
  EXPECT_EQ(network("::1/128"), "::1/128");
}

TEST(SiteNetworks, APrefixOutOfRangeIsRefused) {
  EXPECT_NE(network("10.0.0.0/33").find("0 to 32"), std::string::npos) << network("10.0.0.0/33");
  EXPECT_NE(network("2001:db8::/129").find("0 to 128"), std::string::npos);
  for (const char* bad :
       {"10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8x", "10.0.0.0/ 8", "10.0.0.0/1000"}) {
    EXPECT_EQ(network(bad).rfind("error: ", 0), 0u) << bad;
  }
}

TEST(SiteNetworks, HostBitsSetAreRefusedNamingTheNetwork) {
  const std::string answer = network("10.0.0.1/8");
  EXPECT_NE(answer.find("host bits set"), std::string::npos) << answer;
  EXPECT_NE(answer.find("10.0.0.0/8"), std::string::npos) << answer;
  EXPECT_NE(network("2001:db8::1/32").find("2001:db8::/32"), std::string::npos);
}

TEST(SiteNetworks, GarbageIsNotANetwork) {
  for (const char* bad : {"", "/", "10.0.0/8", "10.0.0.0.0/8", "010.0.0.0/8", "10.0.0.256/32",
                          "example.com/8", "10.0.0.0", " 10.0.0.0/8", "10.0.0.0/8 ",
                          "fe80::1%eth0/64", "::ffff:10.0.0.0/104", "10.0.0.0/8/8"}) {
    EXPECT_EQ(network(bad).rfind("error: ", 0), 0u) << "'" << bad << "' gave " << network(bad);
  }
  EXPECT_NE(network("10.0.0.0").find("ADDRESS/PREFIX"), std::string::npos);
}

TEST(SiteNetworks, AddressesMatchOnlyTheirOwnFamilyAndPrefix) {
  EXPECT_TRUE(contains("127.0.0.0/8", "127.0.0.1"));
  EXPECT_FALSE(contains("10.0.0.0/8", "127.0.0.1"));
  EXPECT_TRUE(contains("10.1.0.0/16", "10.1.255.254"));
  EXPECT_FALSE(contains("10.1.0.0/16", "10.2.0.1"));
  EXPECT_TRUE(contains("0.0.0.0/0", "192.0.2.7"));
  EXPECT_TRUE(contains("2001:db8::/32", "2001:db8:1::5"));
  EXPECT_FALSE(contains("2001:db8::/32", "2001:db9::5"));
  EXPECT_FALSE(contains("::/0", "127.0.0.1")) << "an IPv6 network never holds an IPv4 peer";
}

TEST(SiteNetworks, AnIPv4MappedPeerIsItsIPv4Address) {
  auto mapped = parse_address("::ffff:127.0.0.1");
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->v4);
  EXPECT_EQ(address_text(*mapped), "127.0.0.1");
  EXPECT_TRUE(contains("127.0.0.0/8", "::ffff:127.0.0.1"));
  EXPECT_FALSE(contains("10.0.0.0/8", "::FFFF:127.0.0.1"));
}

TEST(SiteDomains, DomainsAreReadInLowerCaseWithoutTheTrailingDot) {
  EXPECT_EQ(normalise_domain("Corp.Example.COM.").value(), "corp.example.com");
  EXPECT_EQ(normalise_domain("a-b.example").value(), "a-b.example");
  for (const char* bad : {"", ".", "com", "corp..example.com", ".corp.example.com",
                          "-corp.example.com", "corp-.example.com", "corp_1.example.com",
                          "corp.example.com..", "*.example.com", "corp example.com"}) {
    EXPECT_FALSE(normalise_domain(bad).ok()) << bad;
  }
  EXPECT_FALSE(normalise_domain(std::string(64, 'a') + ".example.com").ok());
}

TEST(SiteDomains, HostnamesMatchOnLabelBoundariesOnly) {
  EXPECT_TRUE(under_domain("pc1.corp.example.com", "corp.example.com"));
  EXPECT_TRUE(under_domain("PC1.Corp.Example.Com.", "corp.example.com"));
  EXPECT_TRUE(under_domain("a.b.corp.example.com", "corp.example.com"));
  EXPECT_TRUE(under_domain("corp.example.com", "corp.example.com"));
  EXPECT_FALSE(under_domain("evilcorp.example.com", "corp.example.com"));
  EXPECT_FALSE(under_domain("pc1.corp.example.com.evil.net", "corp.example.com"));
  EXPECT_FALSE(under_domain("pc1", "corp.example.com"));
  EXPECT_FALSE(under_domain("example.com", "corp.example.com"));
  EXPECT_FALSE(under_domain("", "corp.example.com"));
}

TEST(SiteConstraints, ASiteNeedsAConstraintUnlessItIsOfflineOnly) {
  EXPECT_FALSE(normalise_site({}).ok());
  EXPECT_TRUE(normalise_site({{}, {}, SiteMatch::all, true}).ok());
  EXPECT_FALSE(normalise_site({{"10.0.0.0/8"}, {}, SiteMatch::all, true}).ok());
  EXPECT_FALSE(normalise_site({{}, "corp.example.com", SiteMatch::all, true}).ok());
  EXPECT_FALSE(normalise_site({{"10.0.0.0/8", "10.0.0.0/8"}, {}, SiteMatch::all, false}).ok());
  std::vector<std::string> many;
  for (int i = 0; i < 65; ++i) many.push_back("10." + std::to_string(i) + ".0.0/16");
  EXPECT_FALSE(normalise_site({many, {}, SiteMatch::all, false}).ok());
  auto site = normalise_site({{"2001:DB8::/32"}, "Corp.Example.com.", SiteMatch::any, false});
  ASSERT_TRUE(site.ok()) << site.message();
  EXPECT_EQ(site->networks, std::vector<std::string>{"2001:db8::/32"});
  EXPECT_EQ(site->domain, "corp.example.com");
}

TEST(SiteConstraints, TheStoredTextReadsBackAndDamageFailsClosed) {
  const SiteConstraint site{{"10.0.0.0/8", "fd00::/8"}, "corp.example.com", SiteMatch::any, false};
  auto back = site_from_text(site_text(site));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->networks, site.networks);
  EXPECT_EQ(back->domain, site.domain);
  EXPECT_EQ(back->match, SiteMatch::any);
  for (const char* damaged :
       {"", "[]", "{}",
        R"({"networks":[],"domain":"","match":"some",)"
        R"("offline_only":false})",
        R"({"networks":[1],"domain":"","match":"all","offline_only":false})"}) {
    EXPECT_FALSE(site_from_text(damaged).ok()) << damaged;
  }
}

}  // namespace
}  // namespace nodelock::server
