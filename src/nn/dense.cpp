#include "nn/dense.hpp"

#include <stdexcept>

#include "core/gemm.hpp"

namespace nnlab {

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
  // One GEMM per member, the same call whatever P is: member m's floats never depend on P.
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);  // [B, in]
    const T* w = weight_.slice(m);             // [out, in]
    T* y = output_.slice(m);                   // [B, out]
    // y[b, o] = Σ_i x[b, i] W[o, i]
    gemm(Transpose::no, Transpose::yes, batch, outputs_, inputs_, T{1}, x, inputs_, w, inputs_, T{0}, y, outputs_);
    if (has_bias_) {
      const T* b = bias_.slice(m);
      for (Index row = 0; row < batch; ++row)
        for (Index o = 0; o < outputs_; ++o) y[row * outputs_ + o] += b[o];
    }
  }
  return output_;
}

template <typename T>
const TensorT<T>& Dense<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (input_ == nullptr) throw std::logic_error("Dense::backward before forward");
  const TensorT<T>& input = *input_;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1);
  if (grad_output.shape() != Shape{population_, batch, outputs_})
    throw std::invalid_argument("Dense layers." + std::to_string(layer_index_) + ": grad_output " +
                                to_string(grad_output.shape()) + " does not match the output " +
                                to_string(output_.shape()));
  if (need_input_grad) grad_input_.resize({population_, batch, inputs_});
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);  // [B, in]
    const T* dy = grad_output.slice(m);        // [B, out]
    // dW[o, i] += Σ_b dY[b, o] x[b, i]
    gemm(Transpose::yes, Transpose::no, outputs_, inputs_, batch, T{1}, dy, outputs_, x, inputs_, T{1},
         weight_grad_.slice(m), inputs_);
    if (has_bias_) {
      // db[o] += Σ_b dY[b, o]
      T* db = bias_grad_.slice(m);
      for (Index row = 0; row < batch; ++row)
        for (Index o = 0; o < outputs_; ++o) db[o] += dy[row * outputs_ + o];
    }
    if (need_input_grad) {
      // dX[b, i] = Σ_o dY[b, o] W[o, i]
      gemm(Transpose::no, Transpose::no, batch, inputs_, outputs_, T{1}, dy, outputs_, weight_.slice(m), inputs_, T{0},
           grad_input_.slice(m), inputs_);
    }
  }
  return need_input_grad ? grad_input_ : no_grad_;
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
