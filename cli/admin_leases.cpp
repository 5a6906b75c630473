// nodelock admin sessions and admin release: who holds a floating license's
// seats, and freeing a stuck one.
#include <iostream>

#include "admin_client.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

void print_lease(const nlohmann::json& lease) {
  const std::string user = lease.value("user", "");
  const std::string project = lease.value("project", "");
  std::cout << "  " << lease.value("id", "") << "  " << (user.empty() ? "-" : user) << "  "
            << lease.value("machine_id", "") << "  " << lease.value("hostname", "");
  if (!project.empty()) std::cout << "  project " << project;
  std::cout << "  since " << utc_timestamp(lease.value("started_at", std::int64_t{0}));
  if (lease.value("borrowed", false)) {
    std::cout << ", borrowed offline until "
              << utc_timestamp(lease.value("expires_at", std::int64_t{0}));
  } else {
    std::cout << ", last seen " << utc_timestamp(lease.value("last_seen_at", std::int64_t{0}))
              << ", expires " << utc_timestamp(lease.value("expires_at", std::int64_t{0}));
  }
  if (lease.value("overage", false)) std::cout << "  (grace seat)";
  std::cout << '\n';
}

int run_sessions(const Args& args, const std::vector<std::string>&) {
  auto id = args.require("--license");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) { return server.get("/v1/licenses/" + *id + "/leases"); },
      [](const nlohmann::json& reply) {
        const std::size_t seats = reply["seats"].size();
        if (seats == 0) {
          std::cout << "No floating seats are held.\n";
          return;
        }
        std::cout << seats << (seats == 1 ? " seat" : " seats") << " in use:\n";
        // A seat held by several leases (one user on two machines) is one seat.
        for (const auto& seat : reply["seats"]) {
          std::cout << "seat " << seat.value("seat", "") << '\n';
          for (const auto& lease : seat["leases"]) print_lease(lease);
        }
      });
}

int run_release(const Args& args, const std::vector<std::string>&) {
  auto id = args.require("--lease");
  if (!id.ok()) return report(id.error(), args.has("--json"));
  return call_server(
      args,
      [&](const ServerClient& server) {
        return server.post("/v1/leases/" + *id + "/force-release", nlohmann::json::object());
      },
      [](const nlohmann::json& reply) {
        const auto& lease = reply["lease"];
        std::cout << "Released lease " << lease.value("id", "") << " ("
                  << lease.value("machine_id", "") << ", " << lease.value("hostname", "")
                  << "): its seat is free now, and its holder's next heartbeat is refused.\n";
        if (lease.value("borrowed", false)) {
          std::cout << "It was borrowed: the machine's copy stays usable offline until "
                    << utc_timestamp(lease.value("expires_at", std::int64_t{0}))
                    << ", since nothing can reach it.\n";
        }
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_lease_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"sessions",
       "sessions --license LICENSE_ID        (floating seats held now)",
       {"--license"},
       run_sessions},
      {"release",
       "release --lease LEASE_ID             (support; frees a stuck floating seat)",
       {"--lease"},
       run_release},
  };
  return subcommands;
}

}  // namespace nodelock::cli
