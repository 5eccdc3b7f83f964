#include "nn/weight_norm.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/threads.hpp"

namespace nnlab {
namespace {

// Σ_k x[k]², k ascending, in double: a row's floats never depend on P or the threads.
template <typename T>
double sum_of_squares(const T* x, Index count) {
  double sum = 0.0;
  for (Index k = 0; k < count; ++k) sum += static_cast<double>(x[k]) * static_cast<double>(x[k]);
  return sum;
}

// g's shape for a weight [P, out, ...]: [P, out, 1, ...], one 1 per remaining axis (PyTorch's dim=0).
Shape gain_shape(const Shape& weight) {
  Shape shape(weight.size(), 1);
  shape[0] = weight[0];
  shape[1] = weight[1];
  return shape;
}

}  // namespace

template <typename T>
void WeightNorm<T>::start_from_weight() {
  const Shape& shape = weight_->shape();
  if (shape.size() < 3 || shape[1] <= 0)
    throw std::invalid_argument(fmt::format("WeightNorm layers.{}: weight {} is not [P, out, ...]", layer_index_, to_string(shape)));
  outputs_ = shape[1];
  row_ = weight_->slice_size() / outputs_;
  v_ = *weight_;
  v_grad_ = TensorT<T>(shape);
  g_ = TensorT<T>(gain_shape(shape));
  g_grad_ = TensorT<T>(g_.shape());
  for (Index r = 0; r < g_.size(); ++r) g_[r] = static_cast<T>(std::sqrt(sum_of_squares(v_.data() + r * row_, row_)));
  norms_.resize(static_cast<std::size_t>(g_.size()));
}

template <typename T>
const TensorT<T>& WeightNorm<T>::forward(const TensorT<T>& input, const ForwardContext& context) {
  // Row r = m · out + o of every [P, out, ...] tensor is member m's unit o.
  parallel_for(g_.size(), v_.size() >= (Index{1} << 16), [&](Index r) {
    const T* v = v_.data() + r * row_;
    T* w = weight_->data() + r * row_;
    const double norm = std::sqrt(sum_of_squares(v, row_));
    const double scale = static_cast<double>(g_[r]) / norm;
    norms_[static_cast<std::size_t>(r)] = norm;
    for (Index k = 0; k < row_; ++k) w[k] = static_cast<T>(scale * static_cast<double>(v[k]));
  });
  return inner_->forward(input, context);
}

template <typename T>
const TensorT<T>& WeightNorm<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  weight_grad_->zero();  // dL/dw of this batch alone; the inner bias gradient accumulates as usual
  const TensorT<T>& grad_input = inner_->backward(grad_output, need_input_grad);
  parallel_for(g_.size(), v_.size() >= (Index{1} << 16), [&](Index r) {
    const T* v = v_.data() + r * row_;
    const T* dw = weight_grad_->data() + r * row_;
    T* dv = v_grad_.data() + r * row_;
    double s = 0.0;  // dL/dw · v, k ascending
    for (Index k = 0; k < row_; ++k) s += static_cast<double>(dw[k]) * static_cast<double>(v[k]);
    const double norm = norms_[static_cast<std::size_t>(r)], dg = s / norm;
    const double scale = static_cast<double>(g_[r]) / norm, along = dg / norm;
    g_grad_[r] += static_cast<T>(dg);
    for (Index k = 0; k < row_; ++k)
      dv[k] += static_cast<T>(scale * (static_cast<double>(dw[k]) - along * static_cast<double>(v[k])));
  });
  return grad_input;
}

template <typename T>
std::vector<ParameterRef<T>> WeightNorm<T>::parameters() {
  std::vector<ParameterRef<T>> result;
  for (ParameterRef<T>& parameter : inner_->parameters())
    if (parameter.is_bias) result.push_back(std::move(parameter));
  const std::string prefix = "layers." + std::to_string(layer_index_);
  result.push_back({prefix + ".weight_g", &g_, &g_grad_, layer_index_, false, true});
  result.push_back({prefix + ".weight_v", &v_, &v_grad_, layer_index_, false, false});
  return result;
}

template class WeightNorm<float>;
template class WeightNorm<double>;

}  // namespace nnlab
