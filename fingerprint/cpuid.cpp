#include "nodelock/fingerprint/source.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace nodelock::fingerprint {
namespace {

#if defined(__x86_64__) || defined(__i386__)
class ProcessorCpuid final : public CpuidReader {
 public:
  CpuidRegisters query(std::uint32_t leaf, std::uint32_t subleaf) const override {
    CpuidRegisters r;
    __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    return r;
  }
};
#endif

}  // namespace

const CpuidReader* processor_cpuid() {
#if defined(__x86_64__) || defined(__i386__)
  static const ProcessorCpuid cpuid;
  return &cpuid;
#else
  return nullptr;
#endif
}

bool Host::is_this_machine() const { return root == "/"; }

}  // namespace nodelock::fingerprint
