#include <algorithm>

#include "host_files.h"
#include "sources.h"

namespace nodelock::fingerprint::linux_host {
namespace {

// machine-id(5): 32 lower-case hex digits. systemd writes "uninitialized" while
// the first boot is still setting it up, and an image may ship it empty.
bool valid_machine_id(const std::string& id) {
  return id.size() == 32 &&
         std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }) &&
         id.find_first_not_of('0') != std::string::npos;
}

}  // namespace

void MachineIdSource::collect(const Host& host, std::vector<Component>& components,
                              std::vector<std::string>& notes) const {
  for (const char* file : {"etc/machine-id", "var/lib/dbus/machine-id"}) {
    const auto id = host_files::read_attribute(host.path(file));
    if (!id) continue;
    if (valid_machine_id(*id)) {
      components.push_back(Component{Kind::machine_id, std::string("/") + file, *id});
      return;
    }
    notes.push_back(std::string("machine_id: /") + file +
                    " is not a valid machine id (empty, uninitialized or malformed); ignored");
  }
}

}  // namespace nodelock::fingerprint::linux_host
