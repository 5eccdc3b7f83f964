// Which SIMD instruction set nnlab's own kernels run on. One binary, built for baseline x86-64,
// carries each kernel compiled for every target (core/simd_dispatch.hpp) and picks the widest
// the CPU has at start-up; NNLAB_SIMD=scalar|sse4|avx2|avx512 (or set_simd_target) forces a
// lower one. The kernels give the same floats on every target (tested): SIMD lanes hold
// independent members or elements, never parts of one sum, and nothing is contracted to FMA.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

enum class SimdTarget { scalar, sse4, avx2, avx512 };  // ascending width

std::string_view simd_target_name(SimdTarget target);  // "scalar", "sse4", "avx2", "avx512"
std::optional<SimdTarget> parse_simd_target(std::string_view name);
// Float lanes of one vector: 1, 4, 8, 16.
int simd_lanes(SimdTarget target);

// The widest target this CPU (and its operating system) supports.
SimdTarget best_simd_target();
bool simd_target_supported(SimdTarget target);
// Every supported target, narrowest first.
std::vector<SimdTarget> supported_simd_targets();

// The target kernels use now: set_simd_target's, else NNLAB_SIMD's (read once), else the best.
// An NNLAB_SIMD that names no target, or one this CPU lacks, is an InputError naming it.
SimdTarget simd_target();
// Forces `target` (std::invalid_argument when the CPU lacks it). Not thread-safe: call it
// before kernels run (start-up, tests).
void set_simd_target(SimdTarget target);

// "avx512 (this CPU has scalar, sse4, avx2, avx512)" for --version.
std::string describe_simd();

}  // namespace nnlab
