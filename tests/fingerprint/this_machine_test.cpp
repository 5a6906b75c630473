// Collection on the machine running the tests, the process-wide cache, and the
// injectable CPUID.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "host_tree.h"
#include "nodelock/fingerprint/match.h"

namespace nodelock::fingerprint::testing {
namespace {

Collected collect_this_machine() {
  auto collected = collect();
  if (!collected.ok()) throw std::runtime_error(collected.message());
  return std::move(*collected);
}

std::optional<std::string> value_of(const Collected& collected, Kind kind) {
  for (const Component& component : collected.components) {
    if (component.kind == kind) return component.value;
  }
  return std::nullopt;
}

// CPUID answers recorded from one processor, leaf by leaf.
class RecordedCpuid final : public CpuidReader {
 public:
  void set(std::uint32_t leaf, CpuidRegisters registers) { leaves_[leaf] = registers; }
  void set_text(std::uint32_t first_leaf, const std::string& text) {
    std::string padded = text;
    padded.resize(48, '\0');
    for (std::uint32_t i = 0; i < 3; ++i) {
      CpuidRegisters r;
      std::memcpy(&r, padded.data() + i * 16, 16);
      set(first_leaf + i, r);
    }
  }
  CpuidRegisters query(std::uint32_t leaf, std::uint32_t) const override {
    ++queries_;
    auto found = leaves_.find(leaf);
    CpuidRegisters registers = found == leaves_.end() ? CpuidRegisters{} : found->second;
    // The initial APIC ID (leaf 1, EBX bits 31..24) names the core the thread
    // happens to run on; a fingerprint must not depend on it.
    if (leaf == 1) registers.ebx = (registers.ebx & 0x00ffffffu) | (queries_ % 16) << 24;
    return registers;
  }

 private:
  std::map<std::uint32_t, CpuidRegisters> leaves_;
  mutable std::uint32_t queries_ = 0;
};

std::uint32_t text_register(const char* four) {
  std::uint32_t value;
  std::memcpy(&value, four, 4);
  return value;
}

// The laptop fixture's i7-1260P: family 6, model 154 (0x9a), stepping 3.
RecordedCpuid alder_lake() {
  RecordedCpuid cpuid;
  cpuid.set(0, {0x20, text_register("Genu"), text_register("ntel"), text_register("ineI")});
  cpuid.set(1, {0x000906a3, 0x00100800, 0x7ffafbbf, 0xbfebfbff});
  cpuid.set(0x80000000u, {0x80000008u, 0, 0, 0});
  cpuid.set_text(0x80000002u, "12th Gen Intel(R) Core(TM) i7-1260P");
  return cpuid;
}

// The sandbox guest's AMD EPYC under KVM: family 25 (0xf + 0xa), model 17.
RecordedCpuid epyc_under_kvm(bool hypervisor_bit) {
  RecordedCpuid cpuid;
  cpuid.set(0, {0x10, text_register("Auth"), text_register("cAMD"), text_register("enti")});
  cpuid.set(1, {0x00a10f11, 0x00020800, hypervisor_bit ? 0xfef83203u : 0x7ef83203u, 0x178bfbff});
  cpuid.set(0x40000000u, {0x40000001u, text_register("KVMK"), text_register("VMKV"),
                          text_register(std::string("M\0\0\0", 4).c_str())});
  cpuid.set(0x80000000u, {0x80000028u, 0, 0, 0});
  cpuid.set_text(0x80000002u, "AMD EPYC");
  return cpuid;
}

TEST(ThisMachine, RepeatedCollectionGivesTheSameFingerprintAndId) {
  const Fingerprint first = hash_components(collect_this_machine(), "acme");
  for (int run = 0; run < 5; ++run) {
    const Fingerprint again = hash_components(collect_this_machine(), "acme");
    EXPECT_EQ(again, first);
    EXPECT_EQ(again.machine_id(), first.machine_id());
  }
}

TEST(ThisMachine, WeakIdentityWarningAgreesWithThePolicyCheck) {
  const Collected collected = collect_this_machine();
  const bool warned =
      std::any_of(collected.warnings.begin(), collected.warnings.end(),
                  [](const std::string& w) { return w.rfind("weak identity", 0) == 0; });
  const bool weak =
      binding_shortfall(hash_components(collected, "acme"), MatchPolicy::standard()).has_value();
  EXPECT_EQ(warned, weak);
}

TEST(ThisMachine, CpuidAndProcCpuinfoGiveTheSameCpuValue) {
  if (processor_cpuid() == nullptr) GTEST_SKIP() << "no CPUID on this processor";
  const auto live = value_of(collect_this_machine(), Kind::cpu);
  ASSERT_TRUE(live.has_value());
  HostTree tree("docker-container");
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::ostringstream text;
  text << cpuinfo.rdbuf();
  tree.write("proc/cpuinfo", text.str());
  EXPECT_EQ(value_of(collect_tree(tree.root()), Kind::cpu), live);
}

TEST(InjectedCpuid, ReadsTheSameProcessorAsItsCpuinfo) {
  const RecordedCpuid cpuid = alder_lake();
  CollectOptions options;
  options.root = fixture_hosts() / "laptop-wifi-docker";
  options.cpuid = &cpuid;
  const auto collected = collect(options);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(value_of(*collected, Kind::cpu),
            value_of(collect_tree(fixture_hosts() / "laptop-wifi-docker"), Kind::cpu));
}

TEST(InjectedCpuid, ApicIdOfTheCurrentCoreIsNotPartOfTheValue) {
  const RecordedCpuid cpuid = alder_lake();
  CollectOptions options;
  options.root = fixture_hosts() / "laptop-wifi-docker";
  options.cpuid = &cpuid;
  const auto first = collect(options);
  const auto second = collect(options);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(value_of(*first, Kind::cpu), value_of(*second, Kind::cpu));
}

TEST(InjectedCpuid, HypervisorLeafNamesTheVirtualMachine) {
  HostTree tree("sandbox-kvm-guest");
  tree.remove(".dockerenv");
  const RecordedCpuid kvm = epyc_under_kvm(true);
  CollectOptions options;
  options.root = tree.root();
  options.cpuid = &kvm;
  auto collected = collect(options);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(collected->environment.type, EnvironmentType::virtual_machine);
  EXPECT_EQ(collected->environment.name, "kvm");
  EXPECT_EQ(value_of(*collected, Kind::cpu), "AuthenticAMD|AMD EPYC|25|17|1");

  // The CPUID, when given, is believed over the tree's cpuinfo flags.
  const RecordedCpuid bare = epyc_under_kvm(false);
  options.cpuid = &bare;
  collected = collect(options);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(collected->environment.type, EnvironmentType::bare_metal);
}

TEST(Cache, CollectsOncePerRootAndProduct) {
  HostTree tree("desktop-two-nics");
  CollectOptions options;
  options.root = tree.root();
  const auto first = cached_fingerprint(options, "acme");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, fingerprint_of(tree.root(), "acme"));

  alter_serial(tree.root() / "sys/class/block/nvme0n1/device/serial");
  const auto again = cached_fingerprint(options, "acme");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first) << "the cache collected a second time";
  EXPECT_NE(fingerprint_of(tree.root(), "acme"), *first);

  const auto other_product = cached_fingerprint(options, "globex");
  ASSERT_TRUE(other_product.ok());
  EXPECT_EQ(*other_product, fingerprint_of(tree.root(), "globex"));
}

TEST(Cache, ConcurrentFirstCallsAgree) {
  HostTree tree("laptop-wifi-docker");
  CollectOptions options;
  options.root = tree.root();
  std::vector<Fingerprint> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto print = cached_fingerprint(options, "acme");
      if (print.ok()) seen[i] = *print;
    });
  }
  for (std::thread& thread : threads) thread.join();
  const Fingerprint expected = fingerprint_of(tree.root(), "acme");
  for (const Fingerprint& print : seen) EXPECT_EQ(print, expected);
}

TEST(Cache, ErrorsAreNotKept) {
  const auto root =
      std::filesystem::temp_directory_path() / ("nodelock-later-" + std::to_string(::getpid()));
  CollectOptions options;
  options.root = root;
  EXPECT_EQ(cached_fingerprint(options, "acme").code(), ErrorCode::invalid_argument);
  std::filesystem::create_directories(root);
  EXPECT_TRUE(cached_fingerprint(options, "acme").ok());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace nodelock::fingerprint::testing
