#include "license_records.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "../service/license_rules.h"
#include "json_mapping.h"
#include "json_text.h"
#include "nodelock/audit/csv.h"
#include "nodelock/crypto/numbers.h"
#include "nodelock/crypto/utc_time.h"
#include "record_time.h"

namespace nodelock::server {

namespace {

using Json = nlohmann::json;

// The most any count of a record may be; the service checks each against the
// license's own limits.
constexpr std::int64_t kMaxSmall = 1000000000;

// `text` without the spaces and tabs around it, which spreadsheets keep
// invisibly; a note for `line` names the field when there were any.
std::string trimmed(const std::string& text, const std::string& field, int line,
                    std::vector<RecordProblem>& notes) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const std::string inner = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  if (inner != text)
    notes.push_back({line, "removed the spaces around " + field + " '" + inner + "'"});
  return inner;
}

std::string shown(const Json& value) {
  return value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump();
}

// Reads one record's fields, each JSON values or, from CSV, strings.
class RecordReader {
 public:
  RecordReader(const Json& fields, int line, std::vector<RecordProblem>& problems)
      : fields_(fields), line_(line), problems_(problems) {}

  void fail(const std::string& message) {
    problems_.push_back({line_, message});
    failed_ = true;
  }
  bool failed() const { return failed_; }

  const Json* find(const char* name) {
    const auto found = fields_.find(name);
    return found == fields_.end() ? nullptr : &*found;
  }

  // A whole number from 0 to `max`: a JSON number, or from CSV its digits.
  std::optional<std::int64_t> whole(const char* name, std::int64_t max) {
    const Json* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_string()) {
      auto number = parse_whole_number(value->get<std::string>(), name, 0, max);
      if (number.ok()) return *number;
      fail(number.message());
      return std::nullopt;
    }
    if (value->is_number_integer()) {
      const auto number = value->get<std::int64_t>();
      if (number >= 0 && number <= max) return number;
    }
    fail(std::string(name) + " takes a whole number from 0 to " + std::to_string(max) + "; got " +
         shown(*value) + ".");
    return std::nullopt;
  }

  std::optional<int> small(const char* name) {
    const auto value = whole(name, kMaxSmall);
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
  }

  std::optional<std::string> text(const char* name) {
    const Json* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_string()) return value->get<std::string>();
    fail(std::string(name) + " must be text, got " + shown(*value));
    return std::nullopt;
  }

  // Unix seconds, or "YYYY-MM-DD" for the end of that day (UTC): record_time.h.
  std::optional<UnixTime> time(const char* name) {
    const Json* value = find(name);
    if (value == nullptr) return std::nullopt;
    auto time = read_record_time(*value, name);
    if (time.ok()) return *time;
    fail(time.message());
    return std::nullopt;
  }

  // A JSON array of strings, or from CSV one cell of comma-separated items.
  std::vector<std::string> list(const char* name) {
    const Json* value = find(name);
    std::vector<std::string> items;
    if (value == nullptr) return items;
    if (value->is_string()) {
      const std::string cell = value->get<std::string>();
      std::size_t start = 0;
      while (start <= cell.size()) {
        const std::size_t comma = std::min(cell.find(',', start), cell.size());
        std::string item = cell.substr(start, comma - start);
        const auto first = item.find_first_not_of(' ');
        const auto last = item.find_last_not_of(' ');
        if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
        start = comma + 1;
      }
      return items;
    }
    if (value->is_array()) {
      for (const Json& item : *value) {
        if (!item.is_string()) {
          fail(std::string(name) + " must list text, got " + shown(item));
          return {};
        }
        items.push_back(item.get<std::string>());
      }
      return items;
    }
    fail(std::string(name) + " must be a list, got " + shown(*value));
    return items;
  }

  // true or false; from CSV the words.
  std::optional<bool> boolean(const char* name) {
    const Json* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_boolean()) return value->get<bool>();
    if (*value == "true" || *value == "false") return *value == "true";
    fail(std::string(name) + " must be true or false, got " + shown(*value));
    return std::nullopt;
  }

  // {"team": N, "mono": N}; from CSV "team=N,mono=N".
  std::optional<ProjectTokens> project_tokens() {
    const Json* value = find("project_tokens");
    if (value == nullptr) return std::nullopt;
    Json tokens = *value;
    if (value->is_string()) {
      tokens = Json::object();
      for (const std::string& item : list("project_tokens")) {
        const auto equals = item.find('=');
        const auto count =
            parse_whole_number(equals == std::string::npos ? "" : item.substr(equals + 1),
                               "project_tokens", 0, kMaxSmall);
        if (!count.ok()) {
          fail("project_tokens must read team=N,mono=N, got " + shown(*value));
          return std::nullopt;
        }
        tokens[item.substr(0, equals)] = *count;
      }
    }
    auto read = project_tokens_from_json(tokens);
    if (!read.ok()) {
      fail("project_tokens: " + read.message());
      return std::nullopt;
    }
    return *read;
  }

  std::vector<LicenseUser> users() {
    std::vector<LicenseUser> users;
    const Json* value = find("users");
    if (value == nullptr) return users;
    if (value->is_string()) {
      for (const std::string& item : list("users")) {
        auto user = csv_user(item);
        if (user) add_user(*user, users);
      }
      return users;
    }
    if (!value->is_array()) {
      fail("users must be a list, got " + shown(*value));
      return users;
    }
    for (const Json& user : *value) add_user(user, users);
    return users;
  }

 private:
  // "anna@example.com:2:reserved": after the domain, colons set off a limit
  // and the word `reserved`, each at most once and in either order.
  std::optional<Json> csv_user(const std::string& item) {
    const auto at = item.rfind('@');
    auto colon = item.find(':', at == std::string::npos ? 0 : at);
    Json user = {{"email", item.substr(0, colon)}};
    while (colon != std::string::npos) {
      const auto next = item.find(':', colon + 1);
      const std::string part =
          item.substr(colon + 1, next == std::string::npos ? next : next - colon - 1);
      const bool reserved = part == "reserved";
      if (user.contains(reserved ? "reserved" : "max_activations")) {
        fail("user " + item + " gives " + (reserved ? "reserved" : "a limit") +
             " twice; write email:limit:reserved");
        return std::nullopt;
      }
      if (reserved) {
        user["reserved"] = true;
      } else {
        user["max_activations"] = part;
      }
      colon = next;
    }
    return user;
  }

  void add_user(const Json& user, std::vector<LicenseUser>& users) {
    if (!user.is_object() || !user.contains("email") || !user["email"].is_string()) {
      fail("each user needs an email, got " + shown(user));
      return;
    }
    for (const auto& member : user.items()) {
      if (member.key() != "email" && member.key() != "max_activations" &&
          member.key() != "reserved") {
        fail("a user has an unknown field '" + member.key() + "'");
        return;
      }
    }
    auto email = license_user_email(user["email"].get<std::string>());
    if (!email.ok()) {
      fail(email.message());
      return;
    }
    LicenseUser added;
    added.email = std::move(*email);
    if (user.contains("max_activations")) {
      RecordReader limit(user, line_, problems_);
      added.max_activations = limit.small("max_activations");
      if (limit.failed()) {
        failed_ = true;
        return;
      }
    }
    if (user.contains("reserved")) {
      if (!user["reserved"].is_boolean()) {
        fail("user " + added.email + ": reserved must be true or false, got " +
             shown(user["reserved"]));
        return;
      }
      added.reserved = user["reserved"].get<bool>();
    }
    users.push_back(std::move(added));
  }

  const Json& fields_;
  int line_;
  std::vector<RecordProblem>& problems_;
  bool failed_ = false;
};

// The floating terms and the site, under the names `license create` takes.
void read_seat_terms(RecordReader& in, LicenseOrder& order) {
  FloatingTerms terms;
  terms.grace_seats = in.small("grace_seats");
  terms.lease_ttl = in.small("lease_ttl");
  terms.max_borrow_days = in.small("max_borrow_days");
  if (const auto scope = in.text("seat_scope")) {
    terms.scope = seat_scope_from_name(*scope);
    if (!terms.scope) in.fail("seat_scope must be user, device or project, got '" + *scope + "'");
  }
  terms.project_tokens = in.project_tokens();
  order.floating = floating_policy_of_terms(terms, order.model);

  order.site_fields = in.find("allowed_networks") || in.find("domain") || in.find("site_match") ||
                      in.find("offline_only");
  order.site.networks = in.list("allowed_networks");
  order.site.domain = in.text("domain").value_or("");
  if (const auto match = in.text("site_match")) {
    const auto named = site_match_named(*match);
    if (!named) in.fail("site_match must be all or any, got '" + *match + "'");
    order.site.match = named.value_or(SiteMatch::all);
  }
  order.site.offline_only = in.boolean("offline_only").value_or(false);
}

void read_record(const Json& fields, int line, RecordFile& file) {
  if (!fields.is_object()) {
    file.problems.push_back({line, "a record must be an object, got " + shown(fields)});
    return;
  }
  RecordReader in(fields, line, file.problems);
  for (const auto& member : fields.items()) {
    if (std::find(kRecordColumns.begin(), kRecordColumns.end(), member.key()) ==
        kRecordColumns.end()) {
      in.fail("unknown field '" + member.key() + "'");
    }
  }
  const auto version = in.whole("v", kMaxSmall);
  if (!in.failed() && version != 1) {
    in.fail(version ? "v must be 1, the version of this format; got " + std::to_string(*version)
                    : "v is missing: the format's version, 1");
  }
  LicenseRecord record;
  record.line = line;
  record.id = in.text("id");
  LicenseOrder& order = record.order;
  order.product = in.text("product").value_or("");
  if (order.product.empty()) in.fail("product is missing");
  order.licensee = in.text("licensee").value_or("");
  const std::string model = in.text("model").value_or("node-locked");
  const auto seat_model = seat_model_from_name(model);
  if (!seat_model) in.fail("model must be node-locked, floating or site, got '" + model + "'");
  order.model = seat_model.value_or(SeatModel::node_locked);
  if (in.find("max_activations") == nullptr) in.fail("max_activations is missing");
  order.max_activations = in.small("max_activations").value_or(0);
  order.expires_at = in.time("expires");
  order.trial_days = in.small("trial_days");
  order.grace_days = in.small("grace_days").value_or(0);
  order.refresh_days = in.small("refresh_days").value_or(order.refresh_days);
  order.features = in.list("features");
  order.max_version = in.small("max_version");
  order.maintenance_end = in.time("maintenance_end");
  order.max_resets_per_year = in.small("max_resets_per_year");
  order.reclaim_after_seconds = in.whole("reclaim_after_seconds", kLatestUnixTime);
  order.max_transfers_per_year = in.small("max_transfers_per_year");
  order.transfer_cooldown_days = in.small("transfer_cooldown_days").value_or(0);
  order.self_service_releases_per_month = in.small("self_service_releases_per_month").value_or(0);
  read_seat_terms(in, order);
  const std::string status = in.text("status").value_or("active");
  const auto state = license_state_named(status);
  if (!state) in.fail("status must be active, suspended or revoked, got '" + status + "'");
  record.state = state.value_or(LicenseState::active);
  record.key = in.text("key");
  record.key_hash = in.text("key_hash");
  record.key_last5 = in.text("key_last5");
  record.key_pepper = in.text("key_pepper");
  record.users = in.users();
  if (!in.failed()) file.records.push_back(std::move(record));
}

RecordFile read_csv_records(std::string_view text) {
  RecordFile file;
  auto rows = read_csv(text);
  if (!rows.ok()) {
    // read_csv names the line at the start of its message: "line 12: ...".
    const std::string& message = rows.message();
    const std::size_t colon = message.find(": ");
    const auto line = parse_whole_number(message.substr(5, colon - 5), "line", 1,
                                         std::numeric_limits<int>::max());
    file.problems.push_back({line.ok() ? static_cast<int>(*line) : 1, message.substr(colon + 2)});
    return file;
  }
  if (rows->empty()) {
    file.problems.push_back({1, "the file is empty; it needs a header row naming the columns"});
    return file;
  }
  const CsvRecord& header = rows->front();
  std::set<std::string> named;
  for (const std::string& column : header.fields) {
    if (std::find(kRecordColumns.begin(), kRecordColumns.end(), column) == kRecordColumns.end()) {
      file.problems.push_back({header.line, "unknown column '" + column + "'"});
    } else if (!named.insert(column).second) {
      file.problems.push_back({header.line, "column '" + column + "' appears twice"});
    }
  }
  if (!file.problems.empty()) return file;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const CsvRecord& row = (*rows)[r];
    // A spreadsheet saves the rows it shows empty as commas: skipped, as an
    // empty line is.
    if (std::all_of(row.fields.begin(), row.fields.end(), [](const std::string& cell) {
          return cell.find_first_not_of(" \t") == std::string::npos;
        })) {
      continue;
    }
    if (row.fields.size() != header.fields.size()) {
      file.problems.push_back({row.line, "has " + std::to_string(row.fields.size()) +
                                             " fields, the header names " +
                                             std::to_string(header.fields.size())});
      continue;
    }
    Json fields = Json::object();
    for (std::size_t c = 0; c < row.fields.size(); ++c) {
      const std::string cell = trimmed(row.fields[c], header.fields[c], row.line, file.notes);
      if (!cell.empty()) fields[header.fields[c]] = cell;
    }
    read_record(fields, row.line, file);
  }
  return file;
}

// The line each element of the top-level array starts on: JSON parsers keep
// no positions, so the text is scanned once more, minding strings.
std::vector<int> element_lines(std::string_view text) {
  std::vector<int> lines;
  int line = 1, depth = 0;
  bool in_string = false, escaped = false, expecting = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && (expecting || lines.empty()) && c != ']' && c != ',') {
      lines.push_back(line);
      expecting = false;
    }
    if (depth == 1 && c == ',') expecting = true;
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
  }
  return lines;
}

RecordFile read_json_records(std::string_view text) {
  RecordFile file;
  const auto read = parse_json_text(text);
  if (!read.ok()) {
    file.problems.push_back(
        {1, "the file is not a JSON array of license records: " + read.message()});
    return file;
  }
  const Json& parsed = *read;
  if (!parsed.is_array()) {
    file.problems.push_back({1, "the file is not a JSON array of license records"});
    return file;
  }
  const std::vector<int> lines = element_lines(text);
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const int line = i < lines.size() ? lines[i] : 1;
    Json record = parsed[i];
    if (record.is_object()) {
      for (auto& member : record.items()) {
        if (member.value().is_string()) {
          member.value() =
              trimmed(member.value().get<std::string>(), member.key(), line, file.notes);
        }
      }
    }
    read_record(record, line, file);
  }
  return file;
}

}  // namespace

RecordFile read_license_records(std::string_view text, RecordFormat format) {
  return format == RecordFormat::csv ? read_csv_records(text) : read_json_records(text);
}

}  // namespace nodelock::server
