// Activations per second and latency of a real nodelock-server under 1, 16 and
// 64 concurrent keep-alive clients (docs/BENCHMARKS.md, "The promises").
//
// Every request comes from its own simulated machine (fingerprint and device
// key), so each takes a new seat, and all of them are signed before the clock
// starts: the measured cost is the server's, not the signing of requests.
// Each concurrency level gets a fresh license and fresh requests.
//
//   activation_load [--requests N] [--levels 1,16,64] [--stored N] [--url URL --token T]
//
// --stored N first fills the server's store with N activations on a license of
// their own (in bulk, server stopped) and reports the server's resident memory
// after it starts on that store and after each level.
//
// Without --url it starts nodelock-server on a free loopback port with a
// temporary data directory (SQLite, durable) and stops it at the end. One line
// per level goes to stdout as key=value pairs for scripts; a failed request
// makes the exit status 1. Beside wall-clock figures it reports the CPU time
// per activation of this program and (when it started the server) of the
// server: on a machine shared with other work those say what the load costs.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keep_alive_load.h"
#include "stored_activations.h"
#include "test_machine.h"
#include "test_toolkit.h"

namespace nodelock::server::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kProduct = "bench.load";

struct Options {
  int requests = 10000;
  std::vector<int> levels{1, 16, 64};
  int stored = 0;
  std::string url;
  std::string token;
};

struct Memory {
  double resident_mb = 0;
  double peak_mb = 0;
};

struct LevelResult {
  LoadResult load;
  double presign_seconds = 0;
  std::optional<Memory> server_memory;
};

// Resident memory of process `pid` now and at its peak, from /proc/PID/status,
// in MB (10^6 bytes) as the promise counts them.
std::optional<Memory> memory_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  Memory memory;
  int found = 0;
  for (std::string line; std::getline(status, line);) {
    std::istringstream words(line);
    std::string name;
    double kib = 0;
    if (!(words >> name >> kib)) continue;
    if (name == "VmRSS:") {
      memory.resident_mb = kib * 1024 / 1e6;
      ++found;
    } else if (name == "VmHWM:") {
      memory.peak_mb = kib * 1024 / 1e6;
      ++found;
    }
  }
  if (found != 2) return std::nullopt;
  return memory;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--requests") {
      options.requests = std::atoi(value.c_str());
      if (options.requests < 1) return std::nullopt;
    } else if (flag == "--levels") {
      auto levels = client_levels(value);
      if (!levels) return std::nullopt;
      options.levels = std::move(*levels);
    } else if (flag == "--stored") {
      options.stored = std::atoi(value.c_str());
      if (options.stored < 1) return std::nullopt;
    } else if (flag == "--url") {
      options.url = value;
    } else if (flag == "--token") {
      options.token = value;
    } else {
      return std::nullopt;
    }
  }
  if (options.url.empty() != options.token.empty()) return std::nullopt;
  if (options.stored > 0 && !options.url.empty()) return std::nullopt;
  return options;
}

struct CreatedLicense {
  std::string id;
  std::string key;
};

// A fresh license with `seats` seats.
std::optional<CreatedLicense> create_license(ApiClient& admin, int seats) {
  const Reply reply =
      admin.post("/v1/licenses",
                 {{"product", kProduct}, {"model", "node-locked"}, {"max_activations", seats}});
  if (reply.status == 201)
    return CreatedLicense{reply.body.value("id", ""), reply.body.value("key", "")};
  std::cerr << "cannot create a license: HTTP " << reply.status << ' ' << reply.body.dump() << '\n';
  return std::nullopt;
}

// The bodies of `count` activation requests from distinct new machines.
std::vector<std::string> presign(const std::string& key, int count) {
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<std::size_t>(count));
  const std::int64_t now = unix_now();
  for (int i = 0; i < count; ++i) {
    const TestMachine machine;
    bodies.push_back(
        nlohmann::json{{"request", machine.activation_request(key, kProduct, now)}}.dump());
  }
  return bodies;
}

// Sends every body once, `clients` at a time.
LoadResult run_level(const std::string& url, const std::vector<std::string>& bodies, int clients,
                     pid_t server_pid) {
  std::atomic<std::size_t> next{0};
  LoadPlan plan;
  plan.clients = clients;
  plan.next = [&](int, LoadCall& call) {
    const std::size_t i = next++;
    if (i >= bodies.size()) return false;
    call.path = "/v1/activations";
    call.body = bodies[i];
    return true;
  };
  return run_load(url, plan, server_pid);
}

void print(const LevelResult& level) {
  const LoadResult& load = level.load;
  std::cout << std::fixed << std::setprecision(1) << "clients=" << load.clients
            << " requests=" << load.requests << " ok=" << load.ok << " failed=" << load.failed
            << " seconds=" << std::setprecision(3) << load.seconds << std::setprecision(0)
            << " activations_per_s=" << load.per_second() << " p50_us=" << load.p50_us
            << " p99_us=" << load.p99_us << std::setprecision(3)
            << " presign_s=" << level.presign_seconds << std::setprecision(0)
            << " client_cpu_us=" << load.client_cpu_seconds * 1e6 / load.requests;
  if (load.server_cpu_seconds) {
    std::cout << " server_cpu_us=" << *load.server_cpu_seconds * 1e6 / load.requests;
  }
  if (level.server_memory) {
    std::cout << std::setprecision(1) << " server_rss_mb=" << level.server_memory->resident_mb
              << " server_peak_rss_mb=" << level.server_memory->peak_mb;
  }
  std::cout << std::endl;
  if (load.failed > 0) {
    std::cerr << load.failed << " of " << load.requests << " activations at " << load.clients
              << " clients failed; the first: " << load.first_failure << '\n';
  }
}

// The data directory of a stopped server with `count` more activations on
// a license of their own; the admin token that server printed.
std::optional<std::string> prepare_stored(const std::filesystem::path& data_dir, int count) {
  ServerProcess first(ServerProcess::Options{data_dir, {}});
  if (first.url().empty()) return std::nullopt;
  ApiClient admin(first.url(), first.admin_token());
  if (!ensure_product(admin, kProduct, "Activation load benchmark")) return std::nullopt;
  const auto license = create_license(admin, count);
  if (!license) return std::nullopt;
  std::string token = first.admin_token();
  first.terminate();
  const TestMachine machine;
  const Clock::time_point filling = Clock::now();
  const std::string failed =
      add_stored_activations(data_dir / "nodelock.db", license->id, count,
                             fingerprint::to_json(machine.fingerprint()).dump());
  if (!failed.empty()) {
    std::cerr << "cannot store " << count << " activations: " << failed << '\n';
    return std::nullopt;
  }
  std::error_code unknown;
  const auto bytes = std::filesystem::file_size(data_dir / "nodelock.db", unknown);
  std::cout << std::fixed << std::setprecision(1) << "stored=" << count
            << " fill_s=" << std::chrono::duration<double>(Clock::now() - filling).count()
            << " database_mb=" << (unknown ? 0.0 : static_cast<double>(bytes) / 1e6) << std::endl;
  return token;
}

int run(const Options& options) {
  std::optional<TempDir> stored_dir;
  std::unique_ptr<ServerProcess> server;
  std::string url = options.url;
  std::string token = options.token;
  if (options.stored > 0) {
    stored_dir.emplace();
    auto stored_token = prepare_stored(stored_dir->path() / "data", options.stored);
    if (!stored_token) return 2;
    token = *stored_token;
    server =
        std::make_unique<ServerProcess>(ServerProcess::Options{stored_dir->path() / "data", {}});
    if (server->url().empty()) return 2;
    url = server->url();
    if (auto memory = memory_of(server->pid())) {
      std::cout << std::setprecision(1) << "started server_rss_mb=" << memory->resident_mb
                << std::endl;
    }
  } else if (url.empty()) {
    server = std::make_unique<ServerProcess>();
    if (server->url().empty()) return 2;
    url = server->url();
    token = server->admin_token();
  }
  ApiClient admin(url, token);
  if (!ensure_product(admin, kProduct, "Activation load benchmark")) return 2;
  bool all_ok = true;
  for (const int clients : options.levels) {
    auto license = create_license(admin, options.requests);
    if (!license) return 2;
    const Clock::time_point signing = Clock::now();
    const std::vector<std::string> bodies = presign(license->key, options.requests);
    const double presign_seconds = std::chrono::duration<double>(Clock::now() - signing).count();
    LevelResult level{run_level(url, bodies, clients, server ? server->pid() : -1), presign_seconds,
                      std::nullopt};
    if (server && options.stored > 0) level.server_memory = memory_of(server->pid());
    print(level);
    all_ok = all_ok && level.load.failed == 0;
  }
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace nodelock::server::testing

int main(int argc, char** argv) {
  const auto options = nodelock::server::testing::parse_options(argc, argv);
  if (!options) {
    std::cerr << "usage: activation_load [--requests N] [--levels 1,16,64] [--stored N] [--url URL "
                 "--token T]\n";
    return 2;
  }
  return nodelock::server::testing::run(*options);
}
