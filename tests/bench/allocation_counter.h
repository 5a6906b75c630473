// Counts the heap allocations of the program it is linked into, by replacing
// the global operator new: benchmarks report allocations per iteration with it.
#pragma once

#include <cstdint>

namespace nodelock::bench {

// Allocations through operator new since the program started, all threads.
std::uint64_t heap_allocations();

}  // namespace nodelock::bench
