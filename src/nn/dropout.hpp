// Inverted dropout over a population (PyTorch nn.Dropout): in training each element is kept
// with probability 1 − rate and scaled by 1 / (1 − rate), else zeroed; in evaluation it is the
// identity. Masks are keyed by (member seed, config layer, optimiser step) (noise_draws.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

template <typename T>
class Dropout final : public Layer<T> {
 public:
  // rates[m] in [0, 1) and seeds[m] for each member; layer_index keys the masks.
  Dropout(std::vector<double> rates, std::vector<std::uint64_t> seeds, int layer_index);

  std::string kind() const override { return "dropout"; }
  Index population() const override { return static_cast<Index>(rates_.size()); }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, F], Q = 1 or P -> output [P, B, F]
  //   train: y = x · n, n = 1 / (1 − rate) with probability 1 − rate, else 0 (one draw per element)
  //   eval:  y = x (the input itself when Q = P)
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, F] -> dx = dy · n of the last forward (dy after an evaluation forward)
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  // n of the last training forward, [P, B, F]: 0 or 1 / (1 − rate).
  const TensorT<T>& noise() const { return noise_; }

 private:
  std::vector<double> rates_;
  std::vector<std::uint64_t> seeds_;
  int layer_index_;
  bool noisy_ = false;  // the last forward drew a mask
  TensorT<T> output_, noise_, grad_input_, no_grad_;
};

}  // namespace nnlab
