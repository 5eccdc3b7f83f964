#include "core/simd.hpp"

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"

namespace nnlab {

namespace {

constexpr SimdTarget all_targets[] = {SimdTarget::scalar, SimdTarget::sse4, SimdTarget::avx2, SimdTarget::avx512};

std::optional<SimdTarget>& forced_target() {
  static std::optional<SimdTarget> forced;
  return forced;
}

// NNLAB_SIMD, read once; unset or empty means the best target.
SimdTarget environment_target() {
  static const SimdTarget target = [] {
    const char* text = std::getenv("NNLAB_SIMD");
    if (text == nullptr || *text == '\0') return best_simd_target();
    const std::optional<SimdTarget> parsed = parse_simd_target(text);
    if (!parsed)
      throw InputError("NNLAB_SIMD: '" + shown_value(text) + "' is not one of scalar, sse4, avx2, avx512");
    if (!simd_target_supported(*parsed))
      throw InputError("NNLAB_SIMD: this CPU has no " + std::string(simd_target_name(*parsed)) + "; it supports up to " +
                       std::string(simd_target_name(best_simd_target())));
    return *parsed;
  }();
  return target;
}

}  // namespace

std::string_view simd_target_name(SimdTarget target) {
  switch (target) {
    case SimdTarget::scalar: return "scalar";
    case SimdTarget::sse4: return "sse4";
    case SimdTarget::avx2: return "avx2";
    case SimdTarget::avx512: return "avx512";
  }
  return "scalar";
}

std::optional<SimdTarget> parse_simd_target(std::string_view name) {
  for (const SimdTarget target : all_targets)
    if (simd_target_name(target) == name) return target;
  return std::nullopt;
}

int simd_lanes(SimdTarget target) {
  switch (target) {
    case SimdTarget::scalar: return 1;
    case SimdTarget::sse4: return 4;
    case SimdTarget::avx2: return 8;
    case SimdTarget::avx512: return 16;
  }
  return 1;
}

bool simd_target_supported(SimdTarget target) {
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's CPU model also checks that the OS saves the wider registers (XGETBV).
  __builtin_cpu_init();
  switch (target) {
    case SimdTarget::scalar: return true;
    case SimdTarget::sse4: return __builtin_cpu_supports("sse4.2");
    case SimdTarget::avx2: return __builtin_cpu_supports("avx2");
    case SimdTarget::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq");
  }
  return false;
#else
  return target == SimdTarget::scalar;
#endif
}

SimdTarget best_simd_target() {
  static const SimdTarget best = supported_simd_targets().back();  // scalar is always there
  return best;
}

std::vector<SimdTarget> supported_simd_targets() {
  std::vector<SimdTarget> targets;
  for (const SimdTarget target : all_targets)
    if (simd_target_supported(target)) targets.push_back(target);
  return targets;
}

SimdTarget simd_target() {
  if (const std::optional<SimdTarget>& forced = forced_target()) return *forced;
  return environment_target();
}

void set_simd_target(SimdTarget target) {
  if (!simd_target_supported(target))
    throw std::invalid_argument("set_simd_target: this CPU has no " + std::string(simd_target_name(target)));
  forced_target() = target;
}

std::string describe_simd() {
  std::string supported;
  for (const SimdTarget target : supported_simd_targets()) {
    if (!supported.empty()) supported += ", ";
    supported += simd_target_name(target);
  }
  return std::string(simd_target_name(simd_target())) + " (this CPU has " + supported + ")";
}

}  // namespace nnlab
