#include "nn/dense.hpp"

#include <stdexcept>

#include "core/gemm.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

// The direct loops of is_small_dense layers, one member at a time (orders in dense.hpp).
// x [B, in], w [out, in], bias [out] or null -> y [B, out]
template <typename T>
void small_forward(const T* x, const T* w, const T* bias, T* y, Index batch, Index inputs, Index outputs) {
  for (Index b = 0; b < batch; ++b) {
    const T* xb = x + b * inputs;
    for (Index o = 0; o < outputs; ++o) {
      const T* wo = w + o * inputs;
      T sum = xb[0] * wo[0];
      for (Index i = 1; i < inputs; ++i) sum += xb[i] * wo[i];
      y[b * outputs + o] = bias ? sum + bias[o] : sum;
    }
  }
}

// dw [out, in] += Σ_b dy[b, o] x[b, i], b ascending
template <typename T>
void small_weight_grad(const T* dy, const T* x, T* dw, Index batch, Index inputs, Index outputs) {
  for (Index b = 0; b < batch; ++b)
    for (Index o = 0; o < outputs; ++o) {
      const T d = dy[b * outputs + o];
      const T* xb = x + b * inputs;
      T* dwo = dw + o * inputs;
      for (Index i = 0; i < inputs; ++i) dwo[i] += d * xb[i];
    }
}

// dx [B, in] = Σ_o dy[b, o] W[o, i], o ascending
template <typename T>
void small_input_grad(const T* dy, const T* w, T* dx, Index batch, Index inputs, Index outputs) {
  for (Index b = 0; b < batch; ++b) {
    const T* dyb = dy + b * outputs;
    T* dxb = dx + b * inputs;
    for (Index i = 0; i < inputs; ++i) dxb[i] = dyb[0] * w[i];
    for (Index o = 1; o < outputs; ++o)
      for (Index i = 0; i < inputs; ++i) dxb[i] += dyb[o] * w[o * inputs + i];
  }
}

}  // namespace

template <typename T>
Dense<T>::Dense(Index population, Index inputs, Index outputs, bool has_bias, int layer_index)
    : population_(population), inputs_(inputs), outputs_(outputs), has_bias_(has_bias), layer_index_(layer_index) {
  if (population <= 0 || inputs <= 0 || outputs <= 0)
    throw std::invalid_argument("Dense: population, inputs and outputs must be > 0, got " +
                                to_string({population, inputs, outputs}));
  weight_ = TensorT<T>({population, outputs, inputs});
  weight_grad_ = TensorT<T>({population, outputs, inputs});
  if (has_bias) {
    bias_ = TensorT<T>({population, outputs});
    bias_grad_ = TensorT<T>({population, outputs});
  }
}

template <typename T>
Index Dense<T>::output_features(Index input_features) const {
  if (input_features != inputs_)
    throw std::invalid_argument("Dense layers." + std::to_string(layer_index_) + ": expects " +
                                std::to_string(inputs_) + " inputs, got " + std::to_string(input_features));
  return outputs_;
}

template <typename T>
const TensorT<T>& Dense<T>::forward(const TensorT<T>& input, const ForwardContext& /*context*/) {
  if (input.rank() != 3 || input.dim(2) != inputs_ || (input.dim(0) != 1 && input.dim(0) != population_))
    throw std::invalid_argument("Dense layers." + std::to_string(layer_index_) + ": input " + to_string(input.shape()) +
                                " is not [1 or " + std::to_string(population_) + ", B, " + std::to_string(inputs_) +
                                "]");
  input_ = &input;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1);
  output_.resize({population_, batch, outputs_});
  if (is_small_dense(inputs_, outputs_)) {
    // Members are independent, so threads cannot change a float; worth it for large populations.
    const bool many = population_ * batch * inputs_ * outputs_ >= (Index{1} << 16);
    parallel_for(population_, many, [&](Index m) {
      small_forward(input.slice(shared ? 0 : m), weight_.slice(m), has_bias_ ? bias_.slice(m) : nullptr, output_.slice(m), batch,
                    inputs_, outputs_);
    });
    return output_;
  }
  // One GEMM per member, the same call whatever P is: member m's floats never depend on P.
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);  // [B, in]
    const T* w = weight_.slice(m);             // [out, in]
    T* y = output_.slice(m);                   // [B, out]
    // y[b, o] = (Σ_i x[b, i] W[o, i]) + bias[o], the bias added to each tile of the product
    gemm(Transpose::no, Transpose::yes, batch, outputs_, inputs_, T{1}, x, inputs_, w, inputs_, T{0}, y, outputs_,
         has_bias_ ? bias_.slice(m) : nullptr);
  }
  return output_;
}

template <typename T>
const TensorT<T>& Dense<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (input_ == nullptr) throw std::logic_error("Dense::backward before forward");
  const TensorT<T>& input = *input_;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1);
  if (grad_output.rank() != 3 || grad_output.dim(0) != population_ || grad_output.dim(1) != batch || grad_output.dim(2) != outputs_)
    throw std::invalid_argument("Dense layers." + std::to_string(layer_index_) + ": grad_output " +
                                to_string(grad_output.shape()) + " does not match the output " +
                                to_string(output_.shape()));
  if (need_input_grad) grad_input_.resize({population_, batch, inputs_});
  const bool small = is_small_dense(inputs_, outputs_);
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);  // [B, in]
    const T* dy = grad_output.slice(m);        // [B, out]
    if (small) {
      small_weight_grad(dy, x, weight_grad_.slice(m), batch, inputs_, outputs_);
      if (has_bias_) add_bias_grad(dy, bias_grad_.slice(m), batch);
      if (need_input_grad) small_input_grad(dy, weight_.slice(m), grad_input_.slice(m), batch, inputs_, outputs_);
      continue;
    }
    // dW[o, i] += Σ_b dY[b, o] x[b, i]
    gemm(Transpose::yes, Transpose::no, outputs_, inputs_, batch, T{1}, dy, outputs_, x, inputs_, T{1},
         weight_grad_.slice(m), inputs_);
    if (has_bias_) add_bias_grad(dy, bias_grad_.slice(m), batch);
    if (need_input_grad) {
      // dX[b, i] = Σ_o dY[b, o] W[o, i]
      gemm(Transpose::no, Transpose::no, batch, inputs_, outputs_, T{1}, dy, outputs_, weight_.slice(m), inputs_, T{0},
           grad_input_.slice(m), inputs_);
    }
  }
  return need_input_grad ? grad_input_ : no_grad_;
}

// db[o] += Σ_b dY[b, o], b ascending
template <typename T>
void Dense<T>::add_bias_grad(const T* dy, T* db, Index batch) const {
  for (Index row = 0; row < batch; ++row)
    for (Index o = 0; o < outputs_; ++o) db[o] += dy[row * outputs_ + o];
}

template <typename T>
std::vector<ParameterRef<T>> Dense<T>::parameters() {
  const std::string prefix = "layers." + std::to_string(layer_index_);
  std::vector<ParameterRef<T>> result{{prefix + ".weight", &weight_, &weight_grad_, layer_index_, false}};
  if (has_bias_) result.push_back({prefix + ".bias", &bias_, &bias_grad_, layer_index_, true});
  return result;
}

template class Dense<float>;
template class Dense<double>;

}  // namespace nnlab
