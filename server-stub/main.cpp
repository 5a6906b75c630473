// nodelock-server: the license server a vendor runs.
//
//   nodelock-server init  --data DIR [--db URL] [--json]
//   nodelock-server serve --data DIR [--db URL] [--listen HOST:PORT]
//                         [--tls-cert FILE --tls-key FILE] [--threads N]
//                         [--request-window SECONDS] [--offline-request-window SECONDS]
//                         [--alert-repeat SECONDS] [--webhook-retry SECONDS]
//                         [--webhook-timeout SECONDS] [--expiry-scan SECONDS]
//                         [--clone-policy refuse-copy|refuse-both]
//                         [--lease-flush-interval SECONDS] [--reclaim-interval SECONDS]
//                         [--transfer-hold SECONDS]
//                         [--max-connections-per-address N] [--request-deadline SECONDS]
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodelock/crypto/encoding.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/version.h"
#include "nodelock/server/api_server.h"
#include "nodelock/server/data_dir.h"
#include "nodelock/server/lease_store.h"
#include "service/test_clock.h"

namespace nodelock::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "Usage:\n"
    "  nodelock-server init  --data DIR [--db URL] [--json]\n"
    "      Creates DIR (0700) with the vendor signing key, the store and one admin\n"
    "      token, which is printed once.\n"
    "  nodelock-server serve --data DIR [--db URL] [--listen HOST:PORT]\n"
    "                        [--tls-cert FILE --tls-key FILE] [--threads N]\n"
    "                        [--request-window SECONDS] [--offline-request-window SECONDS]\n"
    "                        [--alert-repeat SECONDS] [--webhook-retry SECONDS]\n"
    "                        [--webhook-timeout SECONDS] [--expiry-scan SECONDS]\n"
    "                        [--clone-policy refuse-copy|refuse-both]\n"
    "                        [--lease-flush-interval SECONDS] [--reclaim-interval SECONDS]\n"
    "                        [--transfer-hold SECONDS]\n"
    "                        [--max-connections-per-address N] [--request-deadline SECONDS]\n"
    "      Serves the API (default --listen 127.0.0.1:8080; port 0 picks a free one\n"
    "      and prints it), initialising an empty DIR first. SIGTERM or SIGINT stop\n"
    "      it cleanly. Signed requests are accepted within --request-window of the\n"
    "      server's clock (default 600), those carried from air-gapped machines\n"
    "      within --offline-request-window (default 604800, 7 days). An alert of one\n"
    "      kind and license is raised at most once per --alert-repeat (default 3600);\n"
    "      a failed webhook delivery is retried after --webhook-retry (default 30,\n"
    "      doubling), each post waiting at most --webhook-timeout to connect and\n"
    "      again for the answer (default 10); each webhook has its own queue, so a\n"
    "      slow receiver delays only its own posts; expiries are checked every\n"
    "      --expiry-scan (default 3600).\n"
    "      When two installations check in as one seat (a copied disk or VM image),\n"
    "      the one whose history forked is refused (refuse-copy, the default), or\n"
    "      both are until support resets the seat (refuse-both).\n"
    "      Floating lease heartbeats are written and expired leases released every\n"
    "      --lease-flush-interval (default 1): a crash loses at most that much of\n"
    "      a lease's renewals.\n"
    "      Seats of machines idle past their license's reclaim threshold are freed\n"
    "      every --reclaim-interval (default 3600).\n"
    "      A seat support transfers to a new machine is held for it for\n"
    "      --transfer-hold (default 2592000, 30 days), then freed for any machine.\n"
    "      One client address may hold --max-connections-per-address connections at\n"
    "      once (default 32), and a request must arrive in full within\n"
    "      --request-deadline seconds of its first byte (default 10; docs/OPERATIONS.md).\n"
    "  --db defaults to sqlite:DIR/nodelock.db; --db postgresql://USER@HOST/DATABASE\n"
    "      keeps the records in PostgreSQL, shared by every instance given the same\n"
    "      URL and a copy of DIR (docs/OPERATIONS.md).\n"
    "  nodelock-server --version prints the version.\n";

using Flags = std::map<std::string, std::string>;

int usage_error(const std::string& message) {
  std::cerr << "nodelock-server: " << message << "\n\n" << kUsage;
  return kExitUsage;
}

int failure(const Error& error) {
  std::cerr << "nodelock-server: " << error.message << '\n';
  return kExitFailed;
}

// "--flag value" and "--flag=value" for `valued`, bare words for `switches`.
std::optional<Flags> parse_flags(const std::vector<std::string>& words,
                                 const std::set<std::string>& valued,
                                 const std::set<std::string>& switches, std::string& problem) {
  Flags flags;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    const auto equals = word.find('=');
    const std::string flag = word.substr(0, equals);
    if (switches.count(word) != 0) {
      flags[word] = "";
    } else if (valued.count(flag) == 0) {
      problem = "unknown option " + word;
      return std::nullopt;
    } else if (flags.count(flag) != 0) {
      problem = flag + " is given twice";
      return std::nullopt;
    } else if (equals != std::string::npos) {
      flags[flag] = word.substr(equals + 1);
    } else if (i + 1 < words.size()) {
      flags[flag] = words[++i];
    } else {
      problem = flag + " needs a value";
      return std::nullopt;
    }
  }
  if (flags.count("--data") == 0 || flags["--data"].empty()) {
    problem = "--data DIR is required";
    return std::nullopt;
  }
  return flags;
}

std::string store_url_of(const Flags& flags) {
  const auto db = flags.find("--db");
  return db != flags.end() ? db->second : default_store_url(flags.at("--data"));
}

void print_first_start(const FirstStart& first, bool json) {
  if (json) {
    std::cout << nlohmann::json{{"admin_token", first.admin_token},
                                {"vendor_public_key",
                                 encoding::base64(first.vendor_public_key.bytes)},
                                {"kid", first.kid}}
                     .dump()
              << std::endl;
    return;
  }
  std::cout << "vendor key id: " << first.kid << '\n'
            << "admin token (shown only now; keep it safe): " << first.admin_token << std::endl;
}

int run_init(const std::vector<std::string>& words) {
  std::string problem;
  auto flags = parse_flags(words, {"--data", "--db"}, {"--json"}, problem);
  if (!flags) return usage_error(problem);
  auto first = initialise_data_dir((*flags)["--data"], store_url_of(*flags));
  if (!first.ok()) return failure(first.error());
  print_first_start(*first, flags->count("--json") != 0);
  return kExitOk;
}

// Stops `server` on SIGTERM or SIGINT. The signals are blocked in every thread
// (set before any thread starts) and taken here with sigwait, so no handler
// runs in the middle of a request.
std::thread watch_signals(ApiServer& server, const sigset_t& signals, std::atomic<bool>& done) {
  return std::thread([&server, signals, &done] {
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << "nodelock-server: stopping on signal " << received << std::endl;
    // stop() before serve() has begun would be lost; repeat until it ends.
    while (!done) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

int run_serve(const std::vector<std::string>& words) {
  std::string problem;
  auto flags = parse_flags(
      words,
      {"--data", "--db", "--listen", "--tls-cert", "--tls-key", "--threads", "--request-window",
       "--offline-request-window", "--alert-repeat", "--webhook-retry", "--webhook-timeout",
       "--expiry-scan", "--clone-policy", "--lease-flush-interval", "--reclaim-interval",
       "--transfer-hold", "--max-connections-per-address", "--request-deadline"},
      {}, problem);
  if (!flags) return usage_error(problem);
  const std::string dir = (*flags)["--data"];
  const std::string store_url = store_url_of(*flags);

  ApiOptions options;
  const std::string listen = flags->count("--listen") ? (*flags)["--listen"] : "127.0.0.1:8080";
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return usage_error("--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
  const auto port = parse_whole_number(listen.substr(colon + 1), "--listen's port", 0, 65535);
  if (!port.ok()) return usage_error(port.message());
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  options.port = static_cast<int>(*port);
  options.tls_certificate = flags->count("--tls-cert") ? (*flags)["--tls-cert"] : "";
  options.tls_private_key = flags->count("--tls-key") ? (*flags)["--tls-key"] : "";

  // Every numeric option and its bounds. Those kept in another unit than
  // seconds are read here first; each low bound is above 0, so 0 is "not given".
  constexpr std::int64_t kYear = 366 * 86400;
  UnixTime request_window = 600;
  UnixTime offline_request_window = 7 * 86400;
  UnixTime transfer_hold = 30 * 86400;
  std::int64_t threads = 0, lease_flush_seconds = 0, reclaim_seconds = 0;
  std::int64_t connections_per_address = 0, request_deadline_seconds = 0;
  std::int64_t webhook_timeout_seconds = 0;
  const struct {
    const char* flag;
    std::int64_t low, high;
    std::int64_t* value;
  } numeric_options[] = {
      {"--threads", 2, 4096, &threads},
      {"--request-window", 10, 86400, &request_window},
      {"--offline-request-window", 60, kYear, &offline_request_window},
      {"--transfer-hold", 1, kYear, &transfer_hold},
      {"--alert-repeat", 1, kYear, &options.alert_repeat_seconds},
      {"--webhook-retry", 1, kYear, &options.webhook_retry_seconds},
      {"--webhook-timeout", 1, 60, &webhook_timeout_seconds},
      {"--expiry-scan", 1, kYear, &options.expiry_scan_seconds},
      {"--lease-flush-interval", 1, 60, &lease_flush_seconds},
      {"--reclaim-interval", 1, 86400, &reclaim_seconds},
      {"--max-connections-per-address", 1, 4096, &connections_per_address},
      {"--request-deadline", 1, 600, &request_deadline_seconds},
  };
  for (const auto& option : numeric_options) {
    if (flags->count(option.flag) == 0) continue;
    auto value = parse_whole_number((*flags)[option.flag], option.flag, option.low, option.high);
    if (!value.ok()) return usage_error(value.message());
    *option.value = *value;
  }
  if (threads != 0) options.worker_threads = static_cast<std::size_t>(threads);
  if (lease_flush_seconds != 0) {
    options.lease_flush_interval = std::chrono::seconds(lease_flush_seconds);
  }
  if (reclaim_seconds != 0) options.reclaim_interval = std::chrono::seconds(reclaim_seconds);
  if (connections_per_address != 0) {
    options.max_connections_per_address = static_cast<std::size_t>(connections_per_address);
  }
  if (webhook_timeout_seconds != 0) {
    options.webhook_attempt_timeout = std::chrono::seconds(webhook_timeout_seconds);
  }
  if (request_deadline_seconds != 0) {
    options.request_deadline = std::chrono::seconds(request_deadline_seconds);
  }

  ClonePolicy clone_policy = ClonePolicy::refuse_copy;
  if (flags->count("--clone-policy")) {
    const auto named = clone_policy_named((*flags)["--clone-policy"]);
    if (!named) return usage_error("--clone-policy takes refuse-copy or refuse-both");
    clone_policy = *named;
  }

  std::function<UnixTime()> clock = [] { return static_cast<UnixTime>(std::time(nullptr)); };
  if (const char* clock_file = std::getenv(kTestClockVariable)) {
    auto test_clock = TestClock::open(clock_file, options.host);
    if (!test_clock.ok()) return failure(test_clock.error());
    std::cerr << "nodelock-server: on the test clock of " << clock_file
              << ": the time is what the file says (for the test suites only)" << std::endl;
    clock = [test_clock = std::move(*test_clock)] { return test_clock->now(); };
    options.sweeps_follow_clock = true;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client that hangs up mid-answer must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  if (!is_initialised(dir)) {
    auto first = initialise_data_dir(dir, store_url);
    if (!first.ok()) return failure(first.error());
    std::cout << "initialised " << dir << '\n';
    print_first_start(*first, false);
  }
  auto secrets = load_secrets(dir);
  if (!secrets.ok()) return failure(secrets.error());
  auto store = open_store(store_url);
  if (!store.ok()) return failure(store.error());
  const LicenseKeyHasher key_hasher(std::move(secrets->key_pepper));
  ServiceContext context{**store, secrets->vendor_key, key_hasher,
                         clock,   request_window,      offline_request_window};
  context.clone_policy = clone_policy;
  context.transfer_hold_seconds = transfer_hold;
  context.usage_log = &(*store)->leases();
  auto server = ApiServer::create(options, context);
  if (!server.ok()) return failure(server.error());
  auto url = (*server)->bind();
  if (!url.ok()) return failure(url.error());
  std::cout << "listening on " << *url << std::endl;

  std::atomic<bool> done{false};
  std::thread watcher = watch_signals(**server, signals, done);
  Status served = (*server)->serve();
  done = true;
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  server->reset();
  store->reset();
  std::cerr << "nodelock-server: stopped" << std::endl;
  return served.ok() ? kExitOk : failure(served.error());
}

bool asks_for_help(const std::string& word) {
  return word == "--help" || word == "-h" || word == "help";
}

int run(const std::vector<std::string>& words) {
  if (words.empty()) return usage_error("say init or serve");
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  const bool is_command = words[0] == "init" || words[0] == "serve";
  // `serve --help` asks for the usage wherever --help stands, rather than
  // being read as an option serve does not take.
  if (asks_for_help(words[0]) ||
      (is_command && std::any_of(rest.begin(), rest.end(), asks_for_help))) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (words[0] == "--version") {
    std::cout << "nodelock-server " << NODELOCK_VERSION_STRING << '\n';
    return kExitOk;
  }
  if (words[0] == "init") return run_init(rest);
  if (words[0] == "serve") return run_serve(rest);
  return usage_error("unknown command '" + words[0] + "'");
}

}  // namespace
}  // namespace nodelock::server

int main(int argc, char** argv) {
  return nodelock::server::run(std::vector<std::string>(argv + 1, argv + argc));
}
