// Heartbeats per second and their latency on a real nodelock-server under 1,
// 16 and 64 concurrent keep-alive clients (docs/BENCHMARKS.md, "The promises":
// at least 0.9x the health rate at 64 clients), beside the same server's ceiling for a
// trivial request (GET /v1/health) from as many clients.
//
// It checks out --leases floating leases (one simulated machine each) on one
// license with a TTL long enough that none expires, then for each level runs
// the health ceiling and then heartbeats for --seconds each. Client c of C
// renews leases c, c + C, c + 2C, … in turn, each with the next sequence of
// that lease and its HMAC under the lease's secret, as a real client does;
// sequences carry on from one level to the next.
//
//   lease_load [--seconds S] [--levels 1,16,64] [--leases N]
//
// It starts nodelock-server on a free loopback port with a temporary data
// directory (SQLite, durable) and stops it at the end. One line per level and
// kind goes to stdout as key=value pairs for scripts; a failed request makes
// the exit status 1.
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keep_alive_load.h"
#include "nodelock/activation/payloads.h"
#include "nodelock/crypto/encoding.h"
#include "test_machine.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {
namespace {

constexpr const char* kProduct = "bench.lease";
// No lease may expire during a run: a renewal refused as lease_ended would
// count as a failure, not a heartbeat.
constexpr int kLeaseTtlSeconds = 7 * 86400;

struct Options {
  double seconds = 5;
  std::vector<int> levels{1, 16, 64};
  int leases = 64;
};

struct HeldLease {
  std::string id;
  crypto::Bytes secret;
  std::int64_t sequence = 0;
  std::string path;  // of its heartbeat
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--seconds") {
      options.seconds = std::atof(value.c_str());
      if (options.seconds <= 0) return std::nullopt;
    } else if (flag == "--levels") {
      auto levels = client_levels(value);
      if (!levels) return std::nullopt;
      options.levels = std::move(*levels);
    } else if (flag == "--leases") {
      options.leases = std::atoi(value.c_str());
      if (options.leases < 1) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return options;
}

// `count` leases on a fresh floating license of as many seats.
std::optional<std::vector<HeldLease>> check_out_leases(ApiClient& admin, const std::string& url,
                                                       int count) {
  const Reply license = admin.post("/v1/licenses", {{"product", kProduct},
                                                    {"model", "floating"},
                                                    {"max_activations", count},
                                                    {"lease_ttl", kLeaseTtlSeconds}});
  if (license.status != 201) {
    std::cerr << "cannot create a floating license: HTTP " << license.status << ' '
              << license.body.dump() << '\n';
    return std::nullopt;
  }
  const std::string key = license.body.value("key", "");
  ApiClient client(url);
  std::vector<HeldLease> leases;
  for (int i = 0; i < count; ++i) {
    const Reply granted = client.post(
        "/v1/leases", {{"request", TestMachine().lease_request(key, kProduct, unix_now())}});
    auto secret = encoding::from_base64(granted.body.value("secret", ""));
    if (granted.status != 201 || !secret.ok()) {
      std::cerr << "cannot check lease " << i + 1 << " of " << count << " out: HTTP "
                << granted.status << ' ' << granted.body.dump() << '\n';
      return std::nullopt;
    }
    const std::string id = granted.body.value("lease_id", "");
    leases.push_back({id, std::move(*secret), 0, "/v1/leases/" + id + "/heartbeat"});
  }
  return leases;
}

LoadResult run_health(const std::string& url, int clients, double seconds, pid_t server_pid) {
  LoadPlan plan;
  plan.clients = clients;
  plan.duration = std::chrono::duration<double>(seconds);
  plan.next = [](int, LoadCall& call) {
    call.path = "/v1/health";
    return true;
  };
  return run_load(url, plan, server_pid);
}

LoadResult run_heartbeats(const std::string& url, std::vector<HeldLease>& leases, int clients,
                          double seconds, pid_t server_pid) {
  // Where each client is in its share of the leases.
  std::vector<std::size_t> turn(static_cast<std::size_t>(clients));
  for (int c = 0; c < clients; ++c) turn[static_cast<std::size_t>(c)] = static_cast<std::size_t>(c);
  LoadPlan plan;
  plan.clients = clients;
  plan.duration = std::chrono::duration<double>(seconds);
  plan.next = [&](int client, LoadCall& call) {
    std::size_t& mine = turn[static_cast<std::size_t>(client)];
    HeldLease& lease = leases[mine];
    mine += static_cast<std::size_t>(clients);
    if (mine >= leases.size()) mine = static_cast<std::size_t>(client);
    lease.sequence += 1;
    const crypto::Digest mac =
        lease_call_mac(lease.secret, LeaseCall::heartbeat, lease.id, lease.sequence);
    call.path = lease.path;
    call.body = "{\"sequence\":" + std::to_string(lease.sequence) + ",\"mac\":\"" +
                encoding::base64(mac.bytes) + "\"}";
    return true;
  };
  return run_load(url, plan, server_pid);
}

void print(const char* kind, const LoadResult& load) {
  std::cout << std::fixed << "kind=" << kind << " clients=" << load.clients
            << " requests=" << load.requests << " ok=" << load.ok << " failed=" << load.failed
            << std::setprecision(3) << " seconds=" << load.seconds << std::setprecision(0)
            << " per_s=" << load.per_second() << std::setprecision(1) << " p50_us=" << load.p50_us
            << " p99_us=" << load.p99_us
            << " client_cpu_us=" << load.client_cpu_seconds * 1e6 / load.requests;
  if (load.server_cpu_seconds) {
    std::cout << " server_cpu_us=" << *load.server_cpu_seconds * 1e6 / load.requests;
  }
  std::cout << std::endl;
  if (load.failed > 0) {
    std::cerr << load.failed << " of " << load.requests << " " << kind << " requests at "
              << load.clients << " clients failed; the first: " << load.first_failure << '\n';
  }
}

int run(const Options& options) {
  ServerProcess server;
  if (server.url().empty()) return 2;
  ApiClient admin(server.url(), server.admin_token());
  if (!ensure_product(admin, kProduct, "Lease heartbeat benchmark")) return 2;
  for (const int clients : options.levels) {
    if (clients > options.leases) {
      std::cerr << "--levels " << clients << " needs at least as many --leases\n";
      return 2;
    }
  }
  auto leases = check_out_leases(admin, server.url(), options.leases);
  if (!leases) return 2;
  bool all_ok = true;
  for (const int clients : options.levels) {
    const LoadResult health = run_health(server.url(), clients, options.seconds, server.pid());
    print("health", health);
    const LoadResult beats =
        run_heartbeats(server.url(), *leases, clients, options.seconds, server.pid());
    print("heartbeat", beats);
    all_ok = all_ok && health.failed == 0 && beats.failed == 0;
  }
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace nodelock::server::testing

int main(int argc, char** argv) {
  const auto options = nodelock::server::testing::parse_options(argc, argv);
  if (!options) {
    std::cerr << "usage: lease_load [--seconds S] [--levels 1,16,64] [--leases N]\n";
    return 2;
  }
  return nodelock::server::testing::run(*options);
}
