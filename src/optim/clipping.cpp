#include "optim/clipping.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace nnlab {
namespace {

void check_population(const Tensor* gradient, std::size_t index, Index population) {
  if (gradient == nullptr) throw std::invalid_argument(fmt::format("clipping: gradient {} is null", index));
  if (gradient->rank() == 0 || gradient->dim(0) != population)
    throw std::invalid_argument(fmt::format("clipping: gradient {} is {}, expected leading dimension {}", index,
                                            to_string(gradient->shape()), population));
}

// ||g_m||^2 summed over the tensors, member by member; the order of the sum is fixed.
std::vector<double> squared_norms(std::span<const Tensor* const> gradients, Index population) {
  std::vector<double> squared(static_cast<std::size_t>(population), 0.0);
  for (std::size_t p = 0; p < gradients.size(); ++p) {
    check_population(gradients[p], p, population);
    const Tensor& gradient = *gradients[p];
    for (Index m = 0; m < population; ++m) {
      const float* values = gradient.slice(m);
      double sum = 0.0;
      for (Index i = 0; i < gradient.slice_size(); ++i)
        sum += static_cast<double>(values[i]) * static_cast<double>(values[i]);
      squared[static_cast<std::size_t>(m)] += sum;
    }
  }
  return squared;
}

std::vector<double> square_roots(std::vector<double> values) {
  for (double& value : values) value = std::sqrt(value);
  return values;
}

}  // namespace

std::vector<double> gradient_norms(std::span<const ParameterSlot> parameters, Index population) {
  std::vector<const Tensor*> gradients;
  gradients.reserve(parameters.size());
  for (const ParameterSlot& slot : parameters) gradients.push_back(slot.grad);
  return square_roots(squared_norms(gradients, population));
}

std::vector<double> clip_gradient_norm(std::span<Tensor* const> gradients, std::span<const double> max_norm) {
  const auto population = static_cast<Index>(max_norm.size());
  const std::vector<const Tensor*> readonly(gradients.begin(), gradients.end());
  const std::vector<double> norms = square_roots(squared_norms(readonly, population));
  for (Index m = 0; m < population; ++m) {
    const double limit = max_norm[static_cast<std::size_t>(m)];
    if (!(limit > 0)) continue;
    // torch.nn.utils.clip_grad_norm_: the 1e-6 keeps the coefficient finite for a zero norm.
    const double clip_coef = limit / (norms[static_cast<std::size_t>(m)] + 1e-6);
    if (!(clip_coef < 1.0)) continue;
    const auto scale = static_cast<float>(clip_coef);
    for (Tensor* const gradient : gradients) {
      float* values = gradient->slice(m);
      for (Index i = 0; i < gradient->slice_size(); ++i) values[i] = values[i] * scale;
    }
  }
  return norms;
}

void clip_gradient_value(std::span<Tensor* const> gradients, std::span<const double> limit) {
  const auto population = static_cast<Index>(limit.size());
  for (std::size_t p = 0; p < gradients.size(); ++p) check_population(gradients[p], p, population);
  for (Index m = 0; m < population; ++m) {
    const double bound = limit[static_cast<std::size_t>(m)];
    if (!(bound > 0)) continue;
    const auto high = static_cast<float>(bound), low = -high;
    for (Tensor* const gradient : gradients) {
      float* values = gradient->slice(m);
      // Written out rather than std::clamp so that NaN passes through, as in torch.clamp.
      for (Index i = 0; i < gradient->slice_size(); ++i)
        values[i] = values[i] > high ? high : (values[i] < low ? low : values[i]);
    }
  }
}

}  // namespace nnlab
