// Bringing licenses over from another system, and taking them out again.
//
// A file of license records (docs/FORMATS.md, "License records") is checked
// whole before anything is written: every bad record is reported by the line
// it starts on, and a file with any is refused entire. A good file is imported
// in one transaction, each license with its named users and audit entries.
// Imported keys keep working: the store keeps their keyed hash and last group,
// as for a license made here. An export carries those instead of keys, which
// the server never had.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodelock/server/admin_service.h"

namespace nodelock::server {

enum class RecordFormat { csv, json };

// One license as a record file carries it.
struct LicenseRecord {
  int line = 0;  // where the record starts in its file
  std::optional<std::string> id;
  LicenseOrder order;
  LicenseState state = LicenseState::active;
  std::optional<std::string> key;  // as typed, or
  std::optional<std::string> key_hash;
  std::optional<std::string> key_last5;
  // The pepper id (LicenseKeyHasher::pepper_id) of the server that made key_hash.
  std::optional<std::string> key_pepper;
  std::vector<LicenseUser> users;  // email, max_activations and reserved
};

struct RecordProblem {
  int line = 0;
  std::string message;
};

// What an import does with a key hash made by another server, which no key
// typed here could ever match.
enum class ForeignKeyHashes { refuse, issue_new_keys };

struct ImportOutcome {
  std::vector<License> imported;  // in file order; empty when refused
  // The keys issued by the import (issue_new_keys), by license id: shown once.
  std::map<std::string, std::string> issued_keys;
  std::vector<RecordProblem> problems;  // every bad record; nothing imported when any
};

class LicenseImportService {
 public:
  explicit LicenseImportService(ServiceContext context);

  // Imports `records` (admin) unless `problems` (found reading the file) or
  // the checks here find any: a bad field, an unknown product, a key twice in
  // the file or already on this server, more reserved users than seats, a key
  // hash another server made. Such a hash can never be checked here (it is
  // keyed with that server's pepper); `foreign` says whether such records are
  // refused or get new keys, returned once in issued_keys.
  [[nodiscard]] Result<ImportOutcome> import_records(const AdminCaller& caller,
                                                     std::vector<LicenseRecord> records,
                                                     std::vector<RecordProblem> problems,
                                                     ForeignKeyHashes foreign) const;

  // Every license, or one product's, as records (admin: they carry key hashes).
  [[nodiscard]] Result<std::vector<LicenseRecord>> export_records(AdminRole caller,
                                                                  std::string_view product) const;

 private:
  ServiceContext context_;
};

}  // namespace nodelock::server
