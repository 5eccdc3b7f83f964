// Gaussian noise in training, the identity in evaluation (Keras GaussianNoise and
// GaussianDropout), over a population with one scale per member:
//   additive (gaussian_noise, std σ):               y = x + σ z
//   multiplicative (gaussian_dropout, rate p):      y = x · (1 + σ z),  σ = sqrt(p / (1 − p))
// z ~ N(0, 1) per element, keyed by (member seed, config layer, optimiser step) (noise_draws.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

enum class NoiseMode { additive, multiplicative };

template <typename T>
class GaussianNoise final : public Layer<T> {
 public:
  // scales[m]: additive, the std (>= 0); multiplicative, the rate p in [0, 1). seeds[m] per member.
  GaussianNoise(NoiseMode mode, std::vector<double> scales, std::vector<std::uint64_t> seeds, int layer_index);

  std::string kind() const override { return mode_ == NoiseMode::additive ? "gaussian_noise" : "gaussian_dropout"; }
  Index population() const override { return static_cast<Index>(sigma_.size()); }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, F], Q = 1 or P -> output [P, B, F] (eval: y = x, the input itself when Q = P)
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // additive: dx = dy; multiplicative: dx = dy · (1 + σ z) of the last forward
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

 private:
  NoiseMode mode_;
  std::vector<double> sigma_;  // per member
  std::vector<std::uint64_t> seeds_;
  int layer_index_;
  bool noisy_ = false;  // the last forward was a training one
  TensorT<T> output_, noise_, grad_input_, no_grad_;
};

}  // namespace nnlab
