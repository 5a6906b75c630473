#include <system_error>

#include "../generic_values.h"
#include "host_files.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

// The DMI entries that tell one machine from another of the same model. Names,
// vendors and versions are left out: every unit of a model shares them.
constexpr const char* kBoardEntries[] = {"product_uuid", "board_serial", "product_serial",
                                         "chassis_serial"};

}  // namespace

void BoardSource::collect(const Host& host, std::vector<Component>& components,
                          std::vector<std::string>& notes) const {
  const std::filesystem::path dmi = host.path("sys/class/dmi/id");
  std::error_code error;
  if (!std::filesystem::is_directory(dmi, error)) {
    notes.push_back(
        "board: no firmware (DMI) identity is exposed, as in most containers "
        "and some virtual machines");
    return;
  }
  std::vector<std::string> placeholders;
  for (const char* entry : kBoardEntries) {
    const auto value = host_files::read_attribute(dmi / entry);
    if (!value) {
      if (host_files::exists_but_unreadable(dmi / entry)) {
        notes.push_back(std::string("board: ") + entry +
                        " is readable by root only; run as root to include it");
      }
      continue;
    }
    if (generic_values::is_placeholder_firmware_value(*value)) {
      placeholders.emplace_back(entry);
      continue;
    }
    components.push_back(Component{Kind::board, entry, *value});
  }
  if (!placeholders.empty()) {
    std::string names;
    for (const std::string& name : placeholders) names += (names.empty() ? "" : ", ") + name;
    notes.push_back("board: " + names +
                    " hold the maker's placeholder (\"To be filled by O.E.M.\" and the like); "
                    "ignored");
  }
}

}  // namespace nodelock::fingerprint::linux_host
