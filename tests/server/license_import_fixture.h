// A server to import license records into through `nodelock admin license
// import`, a directory for the files, and a second server to carry an export to.
#pragma once

#include <fstream>
#include <string>

#include "server_fixture.h"

namespace nodelock::server::testing {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class LicenseImportTest : public ServerTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  ProcessResult import(const std::string& path) {
    return admin_cli("license import " + path + " --json");
  }

  // `path` imported into a second server, given the product acme-cad, with
  // `flags` (" --new-keys"). Its own secret differs from this one's, so the key
  // hashes of an export from here mean nothing there.
  static ProcessResult import_into(ServerProcess& other, const std::string& path,
                                   const std::string& flags) {
    ApiClient other_admin(other.url(), other.admin_token());
    EXPECT_EQ(other_admin.post("/v1/products", {{"id", "acme-cad"}, {"name", "Acme CAD"}}).status,
              201);
    return run_shell(nodelock_binary().string() + " admin license import " + path + flags +
                     " --json --server " + other.url() + " --token " + other.admin_token());
  }

  // The message of an import of `path` refused as a whole (exit 4).
  std::string refused_import(const std::string& path) {
    const ProcessResult refused = import(path);
    EXPECT_EQ(refused.exit_code, 4) << refused.out;
    return message_of(refused);
  }

  nlohmann::json licenses() { return admin().get("/v1/licenses").body["licenses"]; }
  std::size_t audit_size() { return admin().get("/v1/audit").body["entries"].size(); }

  // The error message of a refused --json run.
  static std::string message_of(const ProcessResult& run) {
    const auto parsed = nlohmann::json::parse(run.out, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("error")) return run.out;
    return parsed["error"].value("message", "");
  }

  TempDir dir_;
};

}  // namespace nodelock::server::testing
