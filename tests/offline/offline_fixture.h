// Two sides of an air-gapped site, as the CLI sees them: machines with no
// network (`unshare -rn`, each a host fixture tree given as --sysroot with its
// own store) and support staff with a real nodelock-server.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server_fixture.h"

namespace nodelock::offline::testing {

using nodelock::testing::ProcessResult;
using nodelock::testing::read_text;
using nodelock::testing::write_text;
using server::testing::IssuedKey;
using server::testing::Reply;

// A machine of the site: a host tree and the license store on it.
struct SiteMachine {
  std::filesystem::path sysroot;
  std::filesystem::path store;
};

// Every file under a directory and its content: "nothing changed" is equality.
using DirectoryState = std::map<std::string, std::string>;
DirectoryState state_of(const std::filesystem::path& directory);

class OfflineTest : public server::testing::ServerTest {
 protected:
  static constexpr const char* kProduct = "acme-cad";

  explicit OfflineTest(nodelock::testing::ServerProcess::Options options = {},
                       server::testing::ServerTime time = server::testing::ServerTime::real)
      : ServerTest(std::move(options), time) {}

  void SetUp() override;

  // A site machine named after a host fixture, e.g. "laptop-wifi-docker".
  SiteMachine machine(const std::string& host) const;
  std::filesystem::path file(const std::string& name) const { return work_ / name; }

  // `nodelock WORDS...` with no network at all, as on the air-gapped machine.
  ProcessResult air_gapped(const std::vector<std::string>& words) const;
  // `nodelock WORDS...` on support's connected machine.
  ProcessResult connected(const std::vector<std::string>& words) const;
  // --store and --sysroot of `on`, then --product.
  std::vector<std::string> on(const SiteMachine& machine, std::vector<std::string> words) const;

  // The steps of the loop, each asserting success.
  void request(const SiteMachine& on_machine, const std::string& key,
               const std::filesystem::path& out) const;
  void respond(const std::filesystem::path& request, const std::filesystem::path& out) const;
  void install(const SiteMachine& on_machine, const std::filesystem::path& response) const;

  // `offline respond FILE --out OUT` with this server and its admin token.
  ProcessResult respond_run(const std::filesystem::path& in,
                            const std::filesystem::path& out) const;
  // `admin deactivate --receipt FILE`.
  ProcessResult submit_receipt(const std::filesystem::path& receipt) const;

  int seats_used(const std::string& license_id);

  // The site license file for site "acme-hq" of a new offline-only site license
  // ordered with `order` (licensee...), as `nodelock admin license site-file`
  // writes it (with the Vendor-Key header).
  std::string site_license_file(nlohmann::json order);

 private:
  nodelock::testing::TempDir temp_;
  std::filesystem::path work_ = temp_.path();
};

}  // namespace nodelock::offline::testing
