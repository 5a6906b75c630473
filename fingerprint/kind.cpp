#include "nodelock/fingerprint/kind.h"

namespace nodelock::fingerprint {
namespace {

// Indexed by kind_index(); these names are part of every document ever issued.
constexpr std::array<std::string_view, kind_count> kKindNames = {"cpu",        "disk",  "mac",
                                                                 "machine_id", "board", "dongle"};

}  // namespace

std::string_view kind_name(Kind kind) { return kKindNames[kind_index(kind)]; }

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const Kind kind : all_kinds) {
    if (kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace nodelock::fingerprint
