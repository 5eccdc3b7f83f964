// Plain option structs describing one member's model; a population is built from one
// spec per member, which must agree in structure and may differ in scalar values.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

enum class ActivationKind { identity, sigmoid, tanh, relu, leaky_relu, elu, silu, hard_sigmoid, hard_tanh, step, softmax };

// step's two output levels: y = 1 for x > 0, else 0 (binary) or −1 (sign).
enum class StepLevels { binary, sign };
// The derivative step's backward pass uses in place of its true one (0 almost everywhere):
// the straight-through estimator (Bengio, Léonard & Courville 2013; Hubara et al. 2016).
enum class StraightThrough { identity, sigmoid, hard_tanh };

// Parameters of an activation; only the ones its kind uses matter. The numbers may differ
// between the members of a population; kind, levels and straight_through are structure.
struct ActivationSpec {
  ActivationKind kind = ActivationKind::identity;
  double steepness = 1.0;  // sigmoid: 1 / (1 + exp(-k x)); k > 0
  double slope = 0.01;     // leaky ReLU negative slope (PyTorch default)
  double alpha = 1.0;      // ELU
  StepLevels levels = StepLevels::binary;                        // step
  StraightThrough straight_through = StraightThrough::identity;  // step
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
  // From data (train/data_init.hpp), after the model is built: the layer starts orthogonal
  // (gain 1), then
  lsuv,            // Mishkin & Matas 2015: rescaled until its output variance on a batch is 1
  pca,             // rows = the leading principal components of the layer's input, whitened
};

// The kinds that need training data after construction.
inline bool from_data(InitKind kind) { return kind == InitKind::lsuv || kind == InitKind::pca; }

struct InitSpec {
  InitKind kind = InitKind::torch_default;
  double low = 0.0, high = 0.0;   // uniform
  double mean = 0.0, std = 1.0;   // normal
  double value = 0.0;             // constant
  double gain = 1.0;              // xavier_*, orthogonal; also scales he_/lecun_ (default 1)
  Index batch = 0;                // lsuv, pca: training rows per member; 0 = the kind's default
  double tolerance = 0.1;         // lsuv: stop once |Var − 1| < tolerance
  std::int64_t iterations = 10;   // lsuv: at most this many rescalings
};

// The layer types (nn/layer_kinds.hpp has their names and shape rules).
enum class LayerKind {
  dense,             // units, bias, weight_norm, activation, init
  dropout,           // rate: inverted dropout in training, identity in evaluation
  gaussian_noise,    // std: x + N(0, std²) in training (Keras GaussianNoise)
  gaussian_dropout,  // rate: x · N(1, rate / (1 − rate)) in training (Keras GaussianDropout)
  conv2d,            // filters, kernel, stride, padding, bias, weight_norm, activation, init: [C, H, W] -> [filters, H', W']
  maxpool2d,         // kernel (the pool size), stride: [C, H, W] -> [C, H', W']
  avgpool2d,
  flatten,           // [C, H, W] -> [C·H·W] (the same floats: activations are stored flat)
  batchnorm,         // momentum, eps, activation: per feature (channel) over the batch (nn.BatchNorm1d)
  layernorm,         // eps, activation: over each example's features (nn.LayerNorm)
};

// A `from` entry naming the network input rather than an earlier layer.
inline constexpr Index network_input = -1;

struct LayerSpec {
  LayerKind kind = LayerKind::dense;
  // What the layer takes: empty = the previous layer's output (the network input for layer 0);
  // else the concatenation, in this order, of these sources' outputs per example: earlier layer
  // indices, or network_input. Flat outputs join into [ΣF]; [C, H, W] maps with the same H and W
  // join along C. Structure: the members of a population agree on it.
  std::vector<Index> from;
  // Output features. dense: from the config; every other kind: from its input's shape, filled
  // in by resolve_shapes (nn/layer_kinds.hpp) with `shape`, the output shape of one example.
  Index units = 0;
  double rate = 0.0;  // dropout, gaussian_dropout: [0, 1)
  double std = 0.0;   // gaussian_noise: >= 0
  Index filters = 0;                      // conv2d: output channels
  std::array<Index, 2> kernel{0, 0};      // conv2d: the kernel; pools: the window (h, w)
  std::array<Index, 2> stride{0, 0};      // conv2d: default 1; pools: default the window
  std::array<Index, 2> padding{0, 0};     // conv2d: zeros added on each side (h, w)
  bool same_padding = false;              // conv2d `padding: same`: padding = (kernel − 1) / 2
  Shape shape;                            // resolved: one example's output shape
  Shape input_shape;                      // resolved: one example's input shape (the join of `from`)
  double momentum = 0.1;  // batchnorm: running statistics' update weight, [0, 1] (PyTorch's default)
  double eps = 1e-5;      // batchnorm, layernorm: added to the variance, > 0
  bool bias = true;
  bool weight_norm = false;   // dense, conv2d: w = g · v / ‖v‖ per output unit (nn/weight_norm.hpp)
  ActivationSpec activation;  // dense, batchnorm, layernorm: applied after the layer
  InitSpec weight_init;
  InitSpec bias_init;
};

struct ModelSpec {
  Index inputs = 0;
  // One example's shape, [C, H, W] or [F]; empty = [inputs]. Its product is `inputs`.
  Shape input_shape;
  std::vector<LayerSpec> layers;
};

}  // namespace nnlab
