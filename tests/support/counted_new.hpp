// Replaces the global operator new with one that counts every allocation and remembers the
// largest, for tests that prove code allocates nothing (or nothing big). It defines the
// replacement, so include it in exactly one source file of a test binary.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace nnlab::testing {
inline std::atomic<long> allocation_count{0};
inline std::atomic<std::size_t> largest_allocation{0};
}  // namespace nnlab::testing

// The replacement pairs malloc with free correctly; GCC 12 cannot see that through inlining.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  nnlab::testing::allocation_count.fetch_add(1, std::memory_order_relaxed);
  std::size_t seen = nnlab::testing::largest_allocation.load();
  while (size > seen && !nnlab::testing::largest_allocation.compare_exchange_weak(seen, size)) {
  }
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
