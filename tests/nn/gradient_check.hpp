// The one finite-difference gradient checker for every layer, loss and model: central
// differences of a scalar objective (dot(output, random g), or Σ_m g_m loss_m) in double.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "nn/layer.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"

namespace nnlab::testing {

// A tensor the objective depends on: its values (perturbed in place and restored) and the
// analytic gradient of the objective with respect to them.
struct CheckedTensor {
  std::string name;
  TensorD* value = nullptr;
  TensorD analytic;
};

struct GradientCheckOptions {
  int samples = 24;         // random positions per tensor (every position if the tensor is smaller)
  double step = 1e-5;       // central-difference step h
  double tolerance = 1e-6;  // on |analytic − numeric| / max(|analytic|, |numeric|, floor)
  double floor = 1e-3;      // gradients below this are compared absolutely (relative error is noise there)
  std::uint64_t seed = 1;
  Mode mode = Mode::train;  // the forward of check_model_input_gradients (eval: dropout is the identity)
};

inline TensorD random_tensor(const Shape& shape, std::uint64_t seed, double scale = 1.0) {
  TensorD tensor(shape);
  CounterRng rng(seed, RngPurpose::data, 99);
  for (double& value : tensor.span()) value = scale * rng.normal();
  return tensor;
}

inline double dot(const TensorD& a, const TensorD& b) {
  double sum = 0.0;
  for (Index i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Compares each tensor's analytic gradient with (f(x + h) − f(x − h)) / 2h at sampled positions.
// Also fails when every sampled numeric gradient is ~0: such a check could not catch anything.
inline void expect_gradients_match(const std::function<double()>& objective, const std::vector<CheckedTensor>& tensors,
                                   const GradientCheckOptions& options = {}) {
  CounterRng rng(options.seed, RngPurpose::data, 7);
  for (const CheckedTensor& tensor : tensors) {
    ASSERT_EQ(tensor.value->size(), tensor.analytic.size()) << tensor.name;
    const Index size = tensor.value->size();
    std::vector<Index> positions;
    if (size <= options.samples) {
      for (Index i = 0; i < size; ++i) positions.push_back(i);
    } else {
      for (int s = 0; s < options.samples; ++s)
        positions.push_back(static_cast<Index>(rng.below(static_cast<std::uint64_t>(size))));
    }
    double largest_numeric = 0.0;
    for (const Index i : positions) {
      double& x = (*tensor.value)[i];
      const double original = x;
      x = original + options.step;
      const double plus = objective();
      x = original - options.step;
      const double minus = objective();
      x = original;
      const double numeric = (plus - minus) / (2.0 * options.step);
      const double analytic = tensor.analytic[i];
      const double error =
          std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), options.floor});
      EXPECT_LT(error, options.tolerance)
          << tensor.name << "[" << i << "]: analytic " << analytic << ", numeric " << numeric;
      largest_numeric = std::max(largest_numeric, std::abs(numeric));
    }
    EXPECT_GT(largest_numeric, 1e-6) << tensor.name << ": every sampled gradient is zero; the check proves nothing";
  }
  objective();  // leave the layers' buffers as they were for the unperturbed values
}

// Layer: objective dot(forward(input), g). For a shared input (Q = 1, P > 1) the analytic
// input gradient is the sum of the members' input gradients.
inline void check_layer_gradients(Layer<double>& layer, TensorD& input, const GradientCheckOptions& options = {}) {
  const TensorD g = random_tensor(layer.forward(input, {}).shape(), options.seed + 1000);
  std::vector<ParameterRef<double>> parameters = layer.parameters();
  for (auto& parameter : parameters) parameter.grad->zero();
  const TensorD& grad_input = layer.backward(g, true);

  TensorD input_gradient(input.shape());
  const Index population = grad_input.dim(0), block = input.slice_size();
  for (Index m = 0; m < population; ++m) {
    const double* source = grad_input.slice(m);
    double* target = input_gradient.slice(input.dim(0) == 1 ? 0 : m);
    for (Index i = 0; i < block; ++i) target[i] += source[i];
  }
  std::vector<CheckedTensor> tensors{{"input", &input, input_gradient}};
  for (auto& parameter : parameters) tensors.push_back({parameter.name, parameter.value, *parameter.grad});
  expect_gradients_match([&] { return dot(layer.forward(input, {}), g); }, tensors, options);
}

// Loss: objective Σ_m g_m loss_m, checked with respect to the output.
inline void check_loss_gradients(const Loss<double>& loss, TensorD& output, const Targets<double>& targets,
                                 const GradientCheckOptions& options = {}) {
  const Index population = output.dim(0);
  const TensorD g = random_tensor({population}, options.seed + 2000);
  std::vector<double> values(static_cast<std::size_t>(population));
  TensorD grad;
  loss.evaluate(output, targets, values, &grad);
  for (Index m = 0; m < population; ++m)
    for (Index i = 0; i < grad.slice_size(); ++i) grad.slice(m)[i] *= g[m];
  const auto objective = [&] {
    loss.evaluate(output, targets, values, nullptr);
    double sum = 0.0;
    for (Index m = 0; m < population; ++m) sum += g[m] * values[static_cast<std::size_t>(m)];
    return sum;
  };
  expect_gradients_match(objective, {{"output", &output, grad}}, options);
}

// Model: objective dot(forward(input), g) with respect to every parameter.
inline void check_model_gradients(Sequential<double>& model, const TensorD& input,
                                  const GradientCheckOptions& options = {}) {
  const TensorD g = random_tensor(model.forward(input, {}).shape(), options.seed + 3000);
  model.zero_grad();
  model.backward(g);
  std::vector<CheckedTensor> tensors;
  for (auto& parameter : model.parameters()) tensors.push_back({parameter.name, parameter.value, *parameter.grad});
  expect_gradients_match([&] { return dot(model.forward(input, {}), g); }, tensors, options);
}

// Model: objective dot(forward(input), g) with respect to the input, through
// backward(g, &grad_input) ([P, B, F]; summed over members for a shared input).
inline void check_model_input_gradients(Sequential<double>& model, TensorD input,
                                        const GradientCheckOptions& options = {}) {
  const ForwardContext context{.mode = options.mode};
  const TensorD g = random_tensor(model.forward(input, context).shape(), options.seed + 4000);
  model.zero_grad();
  TensorD grad_input;
  model.backward(g, &grad_input);
  TensorD analytic(input.shape());
  for (Index m = 0; m < grad_input.dim(0); ++m)
    for (Index i = 0; i < input.slice_size(); ++i) analytic.slice(input.dim(0) == 1 ? 0 : m)[i] += grad_input.slice(m)[i];
  expect_gradients_match([&] { return dot(model.forward(input, context), g); }, {{"input", &input, analytic}}, options);
}

}  // namespace nnlab::testing
