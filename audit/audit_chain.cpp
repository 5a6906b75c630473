#include <map>

#include "nodelock/activation/canonical_json.h"
#include "nodelock/activation/json_fields.h"
#include "nodelock/audit/audit_chain.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/crypto/encoding.h"

namespace nodelock {

namespace {

Result<nlohmann::json> json_text(const std::string& text, const char* field) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    return make_error(ErrorCode::malformed,
                      std::string("the audit entry's \"") + field + "\" is not JSON");
  }
  return value;
}

std::string entry_name(std::int64_t sequence) { return "entry " + std::to_string(sequence); }

AuditBreak broken(const AuditEntry& entry, AuditBreakKind kind, std::string message) {
  return AuditBreak{entry.sequence, kind, std::move(message)};
}

// The entries numbered from `expected` up to the one before `entry` are gone.
AuditBreak gap_before(const AuditEntry& entry, std::int64_t expected) {
  const std::string missing = entry.sequence - 1 == expected
                                  ? entry_name(expected) + " was"
                                  : "entries " + std::to_string(expected) + " to " +
                                        std::to_string(entry.sequence - 1) + " were";
  return broken(entry, AuditBreakKind::deleted,
                missing + " deleted: the log goes on at " + entry_name(entry.sequence));
}

}  // namespace

Result<std::string> audit_hash_of_canonical(const AuditEntry& entry) {
  // The canonical JSON of the content object, keys in byte order, written
  // around the canonical texts it already holds: every write appends an entry,
  // and parsing before and after again only to write them out unchanged cost
  // the single writer thread more than the rest of the entry.
  const auto quoted = [](const std::string& text) { return canonical_json(nlohmann::json(text)); };
  auto action = quoted(entry.action);
  if (!action.ok()) return action.error();
  auto actor = quoted(entry.actor);
  if (!actor.ok()) return actor.error();
  auto previous_hash = quoted(entry.previous_hash);
  if (!previous_hash.ok()) return previous_hash.error();
  auto subject = quoted(entry.subject);
  if (!subject.ok()) return subject.error();
  std::string text;
  text.reserve(entry.before.size() + entry.after.size() + action->size() + actor->size() +
               previous_hash->size() + subject->size() + 96);
  text.append(R"({"action":)").append(*action);
  text.append(R"(,"actor":)").append(*actor);
  text.append(R"(,"after":)").append(entry.after);
  text.append(R"(,"at":)").append(std::to_string(entry.at));
  text.append(R"(,"before":)").append(entry.before);
  text.append(R"(,"previous_hash":)").append(*previous_hash);
  text.append(R"(,"subject":)").append(*subject).append("}");
  return encoding::hex(crypto::sha256(text).bytes);
}

Result<std::string> audit_hash(const AuditEntry& entry) {
  auto before = json_text(entry.before, "before");
  if (!before.ok()) return before.error();
  auto after = json_text(entry.after, "after");
  if (!after.ok()) return after.error();
  AuditEntry canonical = entry;
  auto before_text = canonical_json(*before);
  if (!before_text.ok()) return before_text.error();
  auto after_text = canonical_json(*after);
  if (!after_text.ok()) return after_text.error();
  canonical.before = std::move(*before_text);
  canonical.after = std::move(*after_text);
  return audit_hash_of_canonical(canonical);
}

nlohmann::json to_json(const AuditEntry& entry) {
  // Text that is not JSON (a row edited by hand) is sent as a string, so the
  // reader's hash shows the edit instead of the server hiding it.
  const auto value = [](const std::string& text) {
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(text) : parsed;
  };
  return {{"sequence", entry.sequence},  {"at", entry.at},
          {"actor", entry.actor},        {"action", entry.action},
          {"subject", entry.subject},    {"before", value(entry.before)},
          {"after", value(entry.after)}, {"previous_hash", entry.previous_hash},
          {"hash", entry.hash}};
}

Result<AuditEntry> audit_entry_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return make_error(ErrorCode::malformed, "an audit entry is an object");
  AuditEntry entry;
  // before and after hold any JSON value, which FieldReader does not read.
  nlohmann::json fields = json;
  for (const auto& [field, text] : {std::pair{"before", &entry.before}, {"after", &entry.after}}) {
    const auto found = fields.find(field);
    if (found == fields.end()) {
      return make_error(ErrorCode::malformed,
                        std::string("the audit entry has no \"") + field + "\" field");
    }
    auto canonical = canonical_json(*found);
    if (!canonical.ok()) {
      return make_error(ErrorCode::malformed,
                        std::string("the audit entry's \"") + field + "\": " + canonical.message());
    }
    *text = std::move(*canonical);
    fields.erase(found);
  }
  FieldReader in(fields, "audit entry");
  entry.sequence = in.integer("sequence");
  entry.at = in.integer("at");
  entry.actor = in.string("actor");
  entry.action = in.string("action");
  entry.subject = in.string("subject");
  entry.previous_hash = in.string("previous_hash");
  entry.hash = in.string("hash");
  if (Status read = in.finish(); !read.ok()) return read.error();
  return entry;
}

AuditVerification verify_audit_chain(const std::vector<AuditEntry>& entries) {
  AuditVerification result;
  result.entries = entries.size();
  // Where each hash sits, to tell an entry moved elsewhere from one removed.
  std::map<std::string, std::size_t> position_of;
  for (std::size_t i = 0; i < entries.size(); ++i) position_of.emplace(entries[i].hash, i);

  std::string previous_hash;
  std::int64_t expected_sequence = 1;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& entry = entries[i];
    auto hash = audit_hash(entry);
    if (!hash.ok() || *hash != entry.hash) {
      result.broken = broken(
          entry, AuditBreakKind::edited,
          entry_name(entry.sequence) + " was edited: its content no longer matches its hash");
      return result;
    }
    if (entry.previous_hash != previous_hash) {
      const auto moved = position_of.find(entry.previous_hash);
      if (moved != position_of.end() && moved->second > i) {
        result.broken =
            broken(entry, AuditBreakKind::reordered,
                   entry_name(entry.sequence) + " was reordered: it was written after " +
                       entry_name(entries[moved->second].sequence) + ", which now comes later");
      } else if (entry.sequence != expected_sequence) {
        result.broken = gap_before(entry, expected_sequence);
      } else {
        result.broken = broken(entry, AuditBreakKind::edited,
                               "the entry before " + entry_name(entry.sequence) +
                                   " was replaced or deleted: " + entry_name(entry.sequence) +
                                   " does not follow it");
      }
      return result;
    }
    // An intact link with a gap: the newest entries were deleted and the log
    // then went on from what was left.
    if (entry.sequence != expected_sequence) {
      result.broken = gap_before(entry, expected_sequence);
      return result;
    }
    previous_hash = entry.hash;
    expected_sequence = entry.sequence + 1;
  }
  result.head_hash = previous_hash;
  return result;
}

std::string_view name_of(AuditBreakKind kind) {
  switch (kind) {
    case AuditBreakKind::edited:
      return "edited";
    case AuditBreakKind::deleted:
      return "deleted";
    case AuditBreakKind::reordered:
      return "reordered";
  }
  return "edited";
}

}  // namespace nodelock
