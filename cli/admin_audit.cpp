// nodelock admin audit list|verify: reading the server's audit log, and
// checking its hash chain here rather than taking the server's word for it.
#include <iostream>

#include "admin_client.h"
#include "nodelock/audit/audit_chain.h"
#include "nodelock/audit/csv.h"
#include "nodelock/crypto/utc_time.h"

namespace nodelock::cli {
namespace {

using nodelock::csv_field;

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void print_entries(const nlohmann::json& reply) {
  if (reply["entries"].empty()) std::cout << "No audit entries.\n";
  for (const auto& entry : reply["entries"]) {
    std::cout << entry["sequence"] << "  " << utc_timestamp(entry["at"].get<std::int64_t>()) << "  "
              << text_of(entry["actor"]) << "  " << text_of(entry["action"]) << "  "
              << text_of(entry["subject"]);
    if (!entry["before"].is_null()) std::cout << "  before " << entry["before"].dump();
    if (!entry["after"].is_null()) std::cout << "  after " << entry["after"].dump();
    std::cout << '\n';
  }
}

void print_csv(const nlohmann::json& reply) {
  std::cout << "sequence,time,actor,action,subject,before,after,hash\n";
  for (const auto& entry : reply["entries"]) {
    std::cout << entry["sequence"] << ',' << utc_timestamp(entry["at"].get<std::int64_t>());
    for (const char* field : {"actor", "action", "subject"}) {
      std::cout << ',' << csv_field(text_of(entry[field]));
    }
    std::cout << ',' << csv_field(entry["before"].dump()) << ',' << csv_field(entry["after"].dump())
              << ',' << text_of(entry["hash"]) << '\n';
  }
}

int run_audit_list(const Args& args, const std::vector<std::string>&) {
  if (args.has("--csv") && args.has("--json")) {
    return report(make_error(ErrorCode::invalid_argument, "give --csv or --json, not both"), true);
  }
  const bool csv = args.has("--csv");
  auto path = with_range(args, "/v1/audit");
  if (!path.ok()) return report(path.error(), args.has("--json"));
  return call_server(
      args, [&](const ServerClient& server) { return server.get(*path); },
      [csv](const nlohmann::json& reply) { csv ? print_csv(reply) : print_entries(reply); });
}

Result<nlohmann::json> verification_of(const nlohmann::json& reply) {
  const auto listed = reply.find("entries");
  if (listed == reply.end() || !listed->is_array()) {
    return make_error(ErrorCode::malformed, "the server's audit reply has no entries");
  }
  std::vector<AuditEntry> entries;
  for (const auto& json : *listed) {
    auto entry = audit_entry_from_json(json);
    if (!entry.ok()) return entry.error();
    entries.push_back(std::move(*entry));
  }
  const AuditVerification checked = verify_audit_chain(entries);
  nlohmann::json result = {{"intact", !checked.broken}, {"entries", checked.entries}};
  if (checked.broken) {
    result["broken"] = {{"sequence", checked.broken->sequence},
                        {"kind", name_of(checked.broken->kind)},
                        {"message", checked.broken->message}};
  } else {
    result["head_hash"] = checked.head_hash;
  }
  return result;
}

int run_audit_verify(const Args& args, const std::vector<std::string>&) {
  bool intact = false;
  const int code = call_server(
      args,
      [&](const ServerClient& server) -> Result<nlohmann::json> {
        auto reply = server.get("/v1/audit");
        if (!reply.ok()) return reply.error();
        auto result = verification_of(*reply);
        if (result.ok()) intact = (*result)["intact"].get<bool>();
        return result;
      },
      [](const nlohmann::json& result) {
        if (result["intact"].get<bool>()) {
          std::cout << "The audit log is intact: " << result["entries"] << " entries, newest hash "
                    << text_of(result["head_hash"])
                    << ". Keep that hash elsewhere to detect entries removed from the end.\n";
        } else {
          std::cout << "The audit log is broken: " << text_of(result["broken"]["message"]) << ".\n";
        }
      });
  if (code != exit_ok) return code;
  return intact ? exit_ok : exit_refused;
}

}  // namespace

const std::vector<AdminSubcommand>& admin_audit_subcommands() {
  static const std::vector<AdminSubcommand> subcommands = {
      {"audit list",
       "audit list [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv]   (support)",
       {"--from", "--to"},
       run_audit_list,
       {"--csv"}},
      {"audit verify",
       "audit verify          (support; recomputes the hash chain, exit 1 when broken)",
       {},
       run_audit_verify},
  };
  return subcommands;
}

}  // namespace nodelock::cli
