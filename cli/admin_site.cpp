// Site licenses on the support side: the site flags of `admin license create`
// and `admin license site-file`, the site-wide file for air-gapped machines.
#include <iostream>

#include "admin_client.h"
#include "nodelock/client/offline_exchange.h"
#include "nodelock/crypto/file_io.h"
#include "nodelock/offline/offline.h"

namespace nodelock::cli {

namespace {

constexpr std::filesystem::perms kReadable =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
    std::filesystem::perms::group_read | std::filesystem::perms::others_read;

int run_site_file(const Args& args, const std::vector<std::string>&) {
  const bool json = args.has("--json");
  auto license = args.require("--license");
  auto site_id = args.require("--site-id");
  auto out = args.require("--out");
  for (const auto* given : {&license, &site_id, &out}) {
    if (!given->ok()) return report(given->error(), json);
  }
  return call_server(
      args,
      [&](const ServerClient& server) -> Result<nlohmann::json> {
        auto file = fetch_site_license_file(server, *license, *site_id);
        if (!file.ok()) return file.error();
        if (Status written = write_file_atomic(*out, *file, kReadable); !written.ok()) {
          return written.error();
        }
        return nlohmann::json{{"site_file", *out}, {"license_id", *license}, {"site_id", *site_id}};
      },
      [&](const nlohmann::json&) {
        std::cout << "Wrote the site license file of " << *license << " for site " << *site_id
                  << " to " << *out << ".\nOn each machine of the site run:\n"
                  << "  nodelock offline install " << *out << " --product PRODUCT --site-id "
                  << *site_id << "\n";
      });
}

}  // namespace

void add_site_order(const Args& args, nlohmann::json& order) {
  if (auto networks = args.get("--allowed-networks")) {
    order["allowed_networks"] = comma_list(*networks);
  }
  if (auto domain = args.get("--domain")) order["domain"] = *domain;
  if (auto match = args.get("--site-match")) order["site_match"] = *match;
  if (args.has("--offline-only")) order["offline_only"] = true;
}

std::string site_summary(const nlohmann::json& site) {
  if (site.value("offline_only", false)) return "an air-gapped site (site license files only)";
  std::string text;
  for (const auto& network : site.value("networks", nlohmann::json::array())) {
    text += (text.empty() ? "" : ", ") + network.get<std::string>();
  }
  const std::string domain = site.value("domain", "");
  if (!domain.empty()) {
    const bool either = site.value("match", "all") == "any" && !text.empty();
    text += (text.empty() ? "*." : either ? " or *." : " and *.") + domain;
  }
  return text;
}

const std::vector<AdminSubcommand>& admin_site_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"license site-file",
       "license site-file --license ID --site-id SITE --out FILE.nlsite   (support)\n"
       "      the site license file for the air-gapped machines of a site license: bound\n"
       "      to the site id, installed on each with `nodelock offline install`",
       {"--license", "--site-id", "--out"},
       run_site_file},
  };
  return subcommands;
}

}  // namespace nodelock::cli
