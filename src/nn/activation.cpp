#include "nn/activation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/simd_dispatch.hpp"
#include "core/threads.hpp"
#include "nn/activation_forms.hpp"

namespace nnlab {

std::string activation_name(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::identity: return "identity";
    case ActivationKind::sigmoid: return "sigmoid";
    case ActivationKind::tanh: return "tanh";
    case ActivationKind::relu: return "relu";
    case ActivationKind::leaky_relu: return "leaky_relu";
    case ActivationKind::elu: return "elu";
    case ActivationKind::silu: return "silu";
    case ActivationKind::hard_sigmoid: return "hard_sigmoid";
    case ActivationKind::hard_tanh: return "hard_tanh";
    case ActivationKind::step: return "step";
    case ActivationKind::softmax: return "softmax";
  }
  throw std::invalid_argument("activation_name: unknown kind");
}

std::string step_levels_name(StepLevels levels) { return levels == StepLevels::binary ? "binary" : "sign"; }

std::string straight_through_name(StraightThrough surrogate) {
  switch (surrogate) {
    case StraightThrough::identity: return "identity";
    case StraightThrough::sigmoid: return "sigmoid";
    case StraightThrough::hard_tanh: return "hard_tanh";
  }
  throw std::invalid_argument("straight_through_name: unknown estimator");
}

namespace {

// y[i] = f(x[i]) over one member's block, compiled for the SIMD target (element i is lane i
// mod L of some vector, computed as the scalar expression computes it).
template <typename T, typename Form>
void map(const T* x, T* y, Index count, const ActivationScalars<T>& scalars) {
  with_simd_target([&](auto) {
    for (Index i = 0; i < count; ++i) y[i] = Form::value(x[i], scalars);
  });
}

// dx[i] = dy[i] f'(x[i], y[i]) over one member's block.
template <typename T, typename Form>
void map_grad(const T* x, const T* y, const T* dy, T* dx, Index count, const ActivationScalars<T>& scalars) {
  with_simd_target([&](auto) {
    for (Index i = 0; i < count; ++i) dx[i] = dy[i] * Form::slope(x[i], y[i], scalars);
  });
}


}  // namespace

template <typename T>
Activation<T>::Activation(std::vector<ActivationSpec> members) : members_(std::move(members)) {
  if (members_.empty()) throw std::invalid_argument("Activation: no members");
  kind_ = members_.front().kind;
  for (const ActivationSpec& spec : members_) {
    if (spec.kind != kind_)
      throw std::invalid_argument("Activation: members disagree on the kind (" + activation_name(kind_) + " vs " +
                                  activation_name(spec.kind) + ")");
    if (spec.kind == ActivationKind::step && (spec.levels != members_.front().levels ||
                                              spec.straight_through != members_.front().straight_through))
      throw std::invalid_argument("Activation: members disagree on the step's levels or straight-through estimator");
    if (spec.kind == ActivationKind::sigmoid && !(spec.steepness > 0))
      throw std::invalid_argument("Activation: sigmoid steepness must be > 0, got " + std::to_string(spec.steepness));
  }
}

template <typename T>
const TensorT<T>& Activation<T>::forward(const TensorT<T>& input, const ForwardContext& /*context*/) {
  const Index population = this->population();
  if (input.rank() != 3 || (input.dim(0) != 1 && input.dim(0) != population))
    throw std::invalid_argument("Activation " + kind() + ": input " + to_string(input.shape()) + " is not [1 or " +
                                std::to_string(population) + ", B, F]");
  input_ = &input;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1), features = input.dim(2), count = batch * features;
  output_.resize({population, batch, features});
  if (kind_ == ActivationKind::softmax) {
    // Members are independent, so threads cannot change a float.
#pragma omp parallel for schedule(static) if (population > 1 && population * count >= (Index{1} << 16))
    for (Index m = 0; m < population; ++m) {
      const T* x = input.slice(shared ? 0 : m);
      T* y = output_.slice(m);
      // y_j = e^{x_j − max} / Σ_k e^{x_k − max}: subtracting the row max keeps e^{...} ≤ 1.
      for (Index row = 0; row < batch; ++row) {
        const T* xr = x + row * features;
        T* yr = y + row * features;
        const T max = *std::max_element(xr, xr + features);
        T sum{0};
        for (Index j = 0; j < features; ++j) {
          yr[j] = std::exp(xr[j] - max);
          sum += yr[j];
        }
        for (Index j = 0; j < features; ++j) yr[j] /= sum;
      }
    }
    return output_;
  }
  for_each_piece(population, count, [&](Index m, Index begin, Index size) {
    const auto scalars = ActivationScalars<T>::of(members_[static_cast<std::size_t>(m)]);
    const T* x = input.slice(shared ? 0 : m) + begin;
    visit_elementwise(members_.front(), [&]<typename Form>(Form) { map<T, Form>(x, output_.slice(m) + begin, size, scalars); });
  });
  return output_;
}

template <typename T>
const TensorT<T>& Activation<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (input_ == nullptr) throw std::logic_error("Activation::backward before forward");
  if (grad_output.shape() != output_.shape())
    throw std::invalid_argument("Activation " + kind() + ": grad_output " + to_string(grad_output.shape()) +
                                " does not match the output " + to_string(output_.shape()));
  if (!need_input_grad) return no_grad_;
  const TensorT<T>& input = *input_;
  const bool shared = input.dim(0) == 1;
  const Index population = this->population(), batch = output_.dim(1), features = output_.dim(2),
              count = batch * features;
  grad_input_.resize(output_.shape());
  if (kind_ == ActivationKind::softmax) {
    for (Index m = 0; m < population; ++m) {
      const T* y = output_.slice(m);
      const T* dy = grad_output.slice(m);
      T* dx = grad_input_.slice(m);
      // Jacobian-vector product: dx_j = y_j (dy_j − Σ_k dy_k y_k)
      for (Index row = 0; row < batch; ++row) {
        const T* yr = y + row * features;
        const T* dyr = dy + row * features;
        T* dxr = dx + row * features;
        T dot{0};
        for (Index j = 0; j < features; ++j) dot += dyr[j] * yr[j];
        for (Index j = 0; j < features; ++j) dxr[j] = yr[j] * (dyr[j] - dot);
      }
    }
    return grad_input_;
  }
  for_each_piece(population, count, [&](Index m, Index begin, Index size) {
    const auto scalars = ActivationScalars<T>::of(members_[static_cast<std::size_t>(m)]);
    const T* x = input.slice(shared ? 0 : m) + begin;
    visit_elementwise(members_.front(), [&]<typename Form>(Form) {
      map_grad<T, Form>(x, output_.slice(m) + begin, grad_output.slice(m) + begin, grad_input_.slice(m) + begin, size, scalars);
    });
  });
  return grad_input_;
}

template class Activation<float>;
template class Activation<double>;

}  // namespace nnlab
