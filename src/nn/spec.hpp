// Plain option structs describing one member's model; a population is built from one
// spec per member, which must agree in structure and may differ in scalar values.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

enum class ActivationKind { identity, sigmoid, tanh, relu, leaky_relu, elu, silu, hard_sigmoid, hard_tanh, softmax };

// Parameters of an activation; only the ones its kind uses matter.
struct ActivationSpec {
  ActivationKind kind = ActivationKind::identity;
  double steepness = 1.0;  // sigmoid: 1 / (1 + exp(-k x)); k > 0
  double slope = 0.01;     // leaky ReLU negative slope (PyTorch default)
  double alpha = 1.0;      // ELU
};

enum class InitKind {
  torch_default,   // PyTorch nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias
  zeros,
  constant,        // value
  uniform,         // U(low, high)
  normal,          // N(mean, std)
  xavier_uniform,  // gain * sqrt(6 / (fan_in + fan_out))
  xavier_normal,   // gain * sqrt(2 / (fan_in + fan_out))
  he_uniform,      // Kaiming, fan_in, ReLU gain: sqrt(6 / fan_in)
  he_normal,       // sqrt(2 / fan_in)
  lecun_uniform,   // sqrt(3 / fan_in)
  lecun_normal,    // sqrt(1 / fan_in)
  orthogonal,      // gain * (semi-)orthogonal matrix from QR of a Gaussian matrix
};

struct InitSpec {
  InitKind kind = InitKind::torch_default;
  double low = 0.0, high = 0.0;   // uniform
  double mean = 0.0, std = 1.0;   // normal
  double value = 0.0;             // constant
  double gain = 1.0;              // xavier_*, orthogonal; also scales he_/lecun_ (default 1)
};

// The layer types (nn/layer_kinds.hpp has their names and shape rules).
enum class LayerKind {
  dense,             // units, bias, activation, init
  dropout,           // rate: inverted dropout in training, identity in evaluation
  gaussian_noise,    // std: x + N(0, std²) in training (Keras GaussianNoise)
  gaussian_dropout,  // rate: x · N(1, rate / (1 − rate)) in training (Keras GaussianDropout)
  batchnorm,         // momentum, eps, activation: per feature (channel) over the batch (nn.BatchNorm1d)
  layernorm,         // eps, activation: over each example's features (nn.LayerNorm)
};

struct LayerSpec {
  LayerKind kind = LayerKind::dense;
  // Output features. dense: from the config; the shape-preserving kinds: their input's,
  // filled in by resolve_units (nn/layer_kinds.hpp).
  Index units = 0;
  double rate = 0.0;  // dropout, gaussian_dropout: [0, 1)
  double std = 0.0;   // gaussian_noise: >= 0
  double momentum = 0.1;  // batchnorm: running statistics' update weight, [0, 1] (PyTorch's default)
  double eps = 1e-5;      // batchnorm, layernorm: added to the variance, > 0
  bool bias = true;
  ActivationSpec activation;  // dense, batchnorm, layernorm: applied after the layer
  InitSpec weight_init;
  InitSpec bias_init;
};

struct ModelSpec {
  Index inputs = 0;
  std::vector<LayerSpec> layers;
};

}  // namespace nnlab
