// nodelock admin license import|export: license records from another system in
// one all-or-nothing step, and out again in the same format.
#include <iostream>

#include "admin_client.h"
#include "nodelock/crypto/file_io.h"

namespace nodelock::cli {
namespace {

// A record file is at most what the server takes in one request.
constexpr std::size_t kMaxRecordFile = 64 * 1024;

// The format a file's name says: .csv or .json.
Result<std::string> format_of(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (extension == "csv" || extension == "json") return extension;
  return make_error(ErrorCode::invalid_argument,
                    "name the file FILE.csv or FILE.json: its extension says its format");
}

int run_import(const Args& args, const std::vector<std::string>& operands) {
  const bool json = args.has("--json");
  auto path = single_operand(operands, "file to import (FILE.csv or FILE.json)");
  if (!path.ok()) return report(path.error(), json);
  auto format = format_of(*path);
  if (!format.ok()) return report(format.error(), json);
  auto content = read_file(*path, kMaxRecordFile);
  if (!content.ok()) return report(content.error(), json);
  const nlohmann::json body = {
      {"format", *format}, {"content", *content}, {"new_keys", args.has("--new-keys")}};
  return call_server(
      args, [&](const ServerClient& server) { return server.post("/v1/licenses/import", body); },
      [&](const nlohmann::json& reply) {
        std::cout << "Imported " << reply["imported"] << " licenses from " << *path << ":\n";
        for (const auto& license : reply["licenses"]) {
          std::cout << "  " << license["id"].get<std::string>() << "  "
                    << (license.contains("key") ? "new key " + license["key"].get<std::string>() +
                                                      " (shown only now: send it to the licensee)"
                                                : license["key_hint"].get<std::string>())
                    << '\n';
        }
        for (const auto& note : reply.value("notes", nlohmann::json::array())) {
          std::cout << "Note: line " << note["line"] << ": " << note["message"].get<std::string>()
                    << '\n';
        }
      });
}

int run_export(const Args& args, const std::vector<std::string>&) {
  const bool json = args.has("--json");
  auto out = args.require("--out");
  if (!out.ok()) return report(out.error(), json);
  auto format = format_of(*out);
  if (!format.ok()) return report(format.error(), json);
  std::string query = "/v1/licenses/export?format=" + *format;
  if (auto product = args.get("--product")) query += "&product=" + *product;
  return call_server(
      args,
      [&](const ServerClient& server) -> Result<nlohmann::json> {
        auto reply = server.get(query);
        if (!reply.ok()) return reply;
        constexpr auto kReadable = std::filesystem::perms::owner_read |
                                   std::filesystem::perms::owner_write |
                                   std::filesystem::perms::group_read;
        Status written = write_file_atomic(*out, (*reply)["content"].get<std::string>(), kReadable);
        if (!written.ok()) return written.error();
        reply->erase("content");
        (*reply)["file"] = *out;
        return reply;
      },
      [&](const nlohmann::json& reply) {
        std::cout << "Exported " << reply["count"] << " licenses to " << *out
                  << " (key hashes, not keys: import it into this server, or one made from "
                     "its data directory).\n";
      });
}

}  // namespace

const std::vector<AdminSubcommand>& admin_license_file_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"license import",
       "license import FILE.csv|FILE.json [--new-keys]   (admin; licenses, their limits and\n"
       "      named users from another system, all or nothing; every bad line is listed.\n"
       "      Key hashes exported by another server are refused, since its keys could\n"
       "      never activate here; --new-keys issues new keys for them, shown once)",
       {},
       run_import,
       {"--new-keys"},
       "file to import"},
      {"license export",
       "license export --out FILE.csv|FILE.json [--product P]   (admin; the same format,\n"
       "      with key hashes instead of keys)",
       {"--out", "--product"},
       run_export},
  };
  return subcommands;
}

}  // namespace nodelock::cli
