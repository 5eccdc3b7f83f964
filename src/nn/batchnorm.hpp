// Batch normalisation over a population (PyTorch nn.BatchNorm1d / nn.BatchNorm2d, affine, with
// running statistics). Each example's F = C · S features are C channels of S = H · W values
// (channel-major); a channel is normalised over the batch's B · S values of it. Per member:
// weight γ [P, C] (1), bias β [P, C] (0), momentum and eps; buffers running_mean [P, C] (0),
// running_var [P, C] (1) and num_batches_tracked [P] (0).
#pragma once

#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

template <typename T>
class BatchNorm final : public Layer<T> {
 public:
  // channels · spatial = the input features (spatial = 1 after a dense layer); momenta[m] in
  // [0, 1] and eps[m] > 0 for each member; layer_index names the parameters and buffers.
  BatchNorm(Index channels, Index spatial, std::vector<double> momenta, std::vector<double> eps, int layer_index);

  std::string kind() const override { return "batchnorm"; }
  Index population() const override { return static_cast<Index>(momenta_.size()); }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, C·S], Q = 1 or P -> output [P, B, C·S], per channel c of member m:
  //   train: μ, σ² = mean and biased variance of the B·S values (needs B·S > 1);
  //          running_mean ← (1 − momentum) running_mean + momentum μ,
  //          running_var ← (1 − momentum) running_var + momentum σ² · n / (n − 1) (unbiased, n = B·S),
  //          num_batches_tracked += 1 (for members context.updates(m) only)
  //   eval:  μ, σ² = running_mean, running_var
  //   y = γ x̂ + β, x̂ = (x − μ) / sqrt(σ² + eps)
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, C·S]: dγ += Σ dy x̂, dβ += Σ dy; with batch statistics
  //   dx = γ / (n sqrt(σ² + eps)) · (n dy − Σ dy − x̂ Σ dy x̂), else dx = γ dy / sqrt(σ² + eps).
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  std::vector<ParameterRef<T>> parameters() override;
  std::vector<BufferRef<T>> buffers() override;

  TensorT<T>& weight() { return weight_; }
  TensorT<T>& bias() { return bias_; }
  TensorT<T>& running_mean() { return running_mean_; }
  TensorT<T>& running_var() { return running_var_; }
  TensorT<T>& batches_tracked() { return batches_tracked_; }  // exact as a float up to 2^24 batches

 private:
  Index channels_, spatial_;
  std::vector<double> momenta_, eps_;
  int layer_index_;
  TensorT<T> weight_, bias_, weight_grad_, bias_grad_;        // [P, C]
  TensorT<T> running_mean_, running_var_, batches_tracked_;  // [P, C], [P, C], [P]
  TensorT<T> output_, normalised_, grad_input_, no_grad_;    // [P, B, C·S]: y, x̂, dx
  TensorT<double> inverse_std_;                               // [P, C] of the last forward
  bool batch_statistics_ = false;                             // the last forward was a training one
};

}  // namespace nnlab
