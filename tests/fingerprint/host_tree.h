// Host fixtures for the fingerprint tests: copies of tests/fixtures/hosts trees
// in temporary directories, and the benign changes a real machine goes through.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nodelock/fingerprint/collect.h"

namespace nodelock::fingerprint::testing {

std::filesystem::path fixture_hosts();
// Every host fixture, by directory name.
std::vector<std::string> host_names();

// A private copy of one host fixture, deleted with the object; tests may change it.
class HostTree {
 public:
  explicit HostTree(const std::string& host);
  ~HostTree();
  HostTree(const HostTree&) = delete;
  HostTree& operator=(const HostTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  // Writes `text` to root/relative, creating directories.
  void write(const std::string& relative, const std::string& text) const;
  // Makes root/relative a relative symbolic link to root/target, as sysfs does.
  void link(const std::string& relative, const std::string& target) const;
  void remove(const std::string& relative) const;

 private:
  std::filesystem::path root_;
};

// collect() on a system tree, which must succeed.
Collected collect_tree(const std::filesystem::path& root);
Fingerprint fingerprint_of(const std::filesystem::path& root, const std::string& product = "acme");

// "kind label=value" for each component, for readable expectations.
std::vector<std::string> described(const Collected& collected);

// Changes the last letter or digit of the value in a file (a text attribute or
// a binary VPD page) to another of the same kind, as another unit's serial
// number would read.
void alter_serial(const std::filesystem::path& file);

struct BenignChange {
  std::string name;
  // Kind whose value the change replaces on purpose (a replaced disk or NIC),
  // so the test can check the change took effect; nothing for additions.
  bool replaces_disk = false;
  bool replaces_nic = false;
  // The change gives the machine a new machine-id (a reinstall), and so a new
  // machine ID, while the fingerprint still matches.
  bool renews_machine_id = false;
  void (*apply)(const HostTree& tree);
};

// The ordinary events that must not cost a machine its license.
const std::vector<BenignChange>& benign_changes();

}  // namespace nodelock::fingerprint::testing
