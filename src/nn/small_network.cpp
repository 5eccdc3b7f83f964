#include "nn/small_network.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "core/lanes.hpp"
#include "core/simd_dispatch.hpp"
#include "nn/loss_forms.hpp"
#include "nn/small_network_call.hpp"

namespace nnlab {
namespace {

using small_network::Call;
using small_network::check_call;
using small_network::plan_call;
using small_network::StageLayout;

// visit(std::integral_constant<int, n>) for n = count in 1..4: a register block of n vectors.
template <typename Visit>
void with_count(Index count, Visit visit) {
  switch (count) {
    case 1:
      visit(std::integral_constant<int, 1>{});
      return;
    case 2:
      visit(std::integral_constant<int, 2>{});
      return;
    case 3:
      visit(std::integral_constant<int, 3>{});
      return;
    default:
      visit(std::integral_constant<int, 4>{});
      return;
  }
}

// a[v, l] = f(z[v, l]) over `vectors` lane vectors, lane l with its member's scalars.
template <typename T, typename Form, int L>
void activate(const T* z, T* a, Index vectors, const T* steepness, const T* slope, const T* alpha) {
  for (Index v = 0; v < vectors; ++v) {
#pragma omp simd
    for (Index l = 0; l < L; ++l)
      a[v * L + l] = Form::value(z[v * L + l], ActivationScalars<T>{steepness[l], slope[l], alpha[l]});
  }
}

// delta[v, l] *= f'(z[v, l]) given a = f(z), as Activation::backward computes dy f'(x, y).
template <typename T, typename Form, int L>
void activate_backward(const T* z, const T* a, T* delta, Index vectors, const T* steepness, const T* slope,
                       const T* alpha) {
  for (Index v = 0; v < vectors; ++v) {
#pragma omp simd
    for (Index l = 0; l < L; ++l) {
      const Index k = v * L + l;
      delta[k] = delta[k] * Form::slope(z[k], a[k], ActivationScalars<T>{steepness[l], slope[l], alpha[l]});
    }
  }
}

// One block of up to L members, from first_member on (L = the SIMD target's float lanes).
// `scratch` holds call.scratch_vectors lane vectors of L; `class_weights` call.weighted_classes · L doubles.
template <typename T, typename Elements, bool shared_input, int width>
void run_block(const Call<T>& call, Index first_member, T* scratch, double* class_weights) {
  constexpr Index L = width;
  using V = Lanes<T, L>;
  const Index members = std::min(L, call.population - first_member);
  // Lanes past the last member repeat it: valid numbers, never written back.
  Index source[L];
  for (Index l = 0; l < L; ++l) source[l] = first_member + std::min(l, members - 1);
  const auto lanes = [scratch](Index offset) { return scratch + offset * L; };

  // Parameters, gradients and activation scalars, member-minor. data() + m · size rather than
  // slice(m): slice divides, and this runs for every lane of every block of every call.
  for (std::size_t j = 0; j < call.stages.size(); ++j) {
    const auto& stage = call.stages[j];
    const StageLayout& layout = call.layout[j];
    const Index weights = layout.outputs * layout.inputs;
    for (Index l = 0; l < L; ++l) {
      const Index m = source[l];
      const T* w = stage.dense->weight().data() + m * weights;
      for (Index k = 0; k < weights; ++k) lanes(layout.weight + k)[l] = w[k];
      if (layout.has_bias) {
        const T* bias = stage.dense->bias().data() + m * layout.outputs;
        for (Index o = 0; o < layout.outputs; ++o) lanes(layout.bias + o)[l] = bias[o];
      }
      const ActivationScalars<T>& scalars = stage.scalars[static_cast<std::size_t>(m)];
      lanes(layout.steepness)[l] = scalars.steepness;
      lanes(layout.slope)[l] = scalars.slope;
      lanes(layout.alpha)[l] = scalars.alpha;
    }
  }
  // Gradients start at zero, as Sequential::zero_grad leaves them for the layered path.
  for (std::size_t j = 0; j < call.stages.size(); ++j) {
    const StageLayout& layout = call.layout[j];
    std::fill_n(lanes(layout.weight_grad), layout.outputs * layout.inputs * L, T{0});
    std::fill_n(lanes(layout.bias_grad), (layout.has_bias ? layout.outputs : 0) * L, T{0});
  }
  // An example's weight is its label's class weight; 1 for members without class weights.
  std::fill_n(class_weights, call.weighted_classes * L, 1.0);
  for (Index l = 0; l < L; ++l) {
    const std::vector<double>& weights = call.losses[static_cast<std::size_t>(source[l])].class_weights;
    for (std::size_t c = 0; c < weights.size(); ++c) class_weights[static_cast<Index>(c) * L + l] = weights[c];
  }

  const Index batch = call.batch, inputs = call.inputs, outputs = call.outputs;
  const double element_count = static_cast<double>(batch * outputs);
  // Each lane's rows of inputs, targets and labels ([B, in], [B, C], [B]).
  const T* input_rows[L];
  const T* target_rows[L];
  const std::int32_t* label_rows[L];
  for (Index l = 0; l < L; ++l) {
    input_rows[l] = call.input->data() + (call.shared_input ? 0 : source[l] * batch * inputs);
    target_rows[l] = call.values->data() + (call.shared_values ? 0 : source[l] * batch * outputs);
    label_rows[l] =
        call.weighted_classes == 0 ? nullptr : call.labels.data() + (call.shared_labels ? 0 : source[l] * batch);
  }
  Lanes<double, L> loss_sum = broadcast_lanes<L>(0.0);
  T* const input = lanes(call.input_lanes);          // [group][in]
  T* const output_lanes = lanes(call.output_lanes);  // [B·C], copied out after the batch

  for (Index first_example = 0; first_example < batch; first_example += call.group_size) {
    const Index group = std::min(call.group_size, batch - first_example);

    // Input feature i of example g in every lane: spread when shared, else gathered per lane.
    // Spreading costs L stores per feature once per group and spares the hot loops a
    // broadcast, which GCC's target-attribute kernels expand into L masked inserts.
    // Shared: one broadcast store per feature (value − 0 is exact, −0 included; GCC emits it as
    // vbroadcastss, where a per-lane loop became L scalar stores).
    for (Index g = 0; g < group; ++g)
      for (Index i = 0; i < inputs; ++i) {
        const Index k = (first_example + g) * inputs + i;
        if constexpr (shared_input) {
          store_lanes(input + (g * inputs + i) * L, input_rows[0][k] - V{});
        } else {
          for (Index l = 0; l < L; ++l) input[(g * inputs + i) * L + l] = input_rows[l][k];
        }
      }
    const auto network_input = [&](Index g, Index i) { return load_lanes<L>(input + (g * inputs + i) * L); };

    // Forward: z[o] = (Σ_i x[i] W[o, i], i ascending) + bias[o];  a = f(z)
    const auto dense_forward = [&](const StageLayout& layout, const auto& x_at) {
      const Index in = layout.inputs, out = layout.outputs;
      const T* w = lanes(layout.weight);
      const T* bias = lanes(layout.bias);
      T* z = lanes(layout.pre);
      for (Index g = 0; g < group; ++g) {
        for (Index o = 0; o < out; ++o) {
          const T* w_row = w + o * in * L;
          V sum = x_at(g, 0) * load_lanes<L>(w_row);
#pragma GCC unroll 8
          for (Index i = 1; i < in; ++i) sum += x_at(g, i) * load_lanes<L>(w_row + i * L);
          if (layout.has_bias) sum += load_lanes<L>(bias + o * L);
          store_lanes(z + (g * out + o) * L, sum);
        }
      }
    };
    const T* x = nullptr;
    for (std::size_t j = 0; j < call.stages.size(); ++j) {
      const StageLayout& layout = call.layout[j];
      if (j == 0) {
        dense_forward(layout, network_input);
      } else {
        dense_forward(layout, [x, in = layout.inputs](Index g, Index i) { return load_lanes<L>(x + (g * in + i) * L); });
      }
      if (layout.activation.kind != ActivationKind::identity) {
        visit_elementwise(layout.activation, [&]<typename Form>(Form) {
          outlined_for_lanes<width>([&](auto) {
            activate<T, Form, L>(lanes(layout.pre), lanes(layout.post), group * layout.outputs, lanes(layout.steepness),
                                 lanes(layout.slope), lanes(layout.alpha));
          });
        });
      }
      x = lanes(layout.post);
    }

    // Loss terms and d loss / d output, in double as Loss::evaluate computes them.
    T* delta = lanes(call.delta);  // [group][units of the current stage]
    for (Index g = 0; g < group; ++g) {
      const Index b = first_example + g;
      Lanes<double, L> weight = broadcast_lanes<L>(1.0);
      if (call.weighted_classes != 0)
        for (Index l = 0; l < L; ++l) weight[l] = class_weights[label_rows[l][b] * L + l];
      for (Index c = 0; c < outputs; ++c) {
        const Index k = b * outputs + c;
        const V y = load_lanes<L>(x + (g * outputs + c) * L);
        Lanes<double, L> target;
        if (call.shared_values) {
          target = broadcast_lanes<L>(static_cast<double>(target_rows[0][k]));
        } else {
          for (Index l = 0; l < L; ++l) target[l] = static_cast<double>(target_rows[l][k]);
        }
        const Lanes<double, L> output = convert_lanes<double>(y);
        if constexpr (Elements::on_lanes) {
          loss_sum = Elements::accumulate(loss_sum, output, target, weight);
          store_lanes(delta + (g * outputs + c) * L,
                      convert_lanes<T>(Elements::gradient(output, target, weight, element_count)));
        } else {
          for (Index l = 0; l < L; ++l) {
            loss_sum[l] = Elements::accumulate(loss_sum[l], output[l], target[l], weight[l]);
            delta[(g * outputs + c) * L + l] =
                static_cast<T>(Elements::gradient(output[l], target[l], weight[l], element_count));
          }
        }
        store_lanes(output_lanes + k * L, y);
      }
    }

    // Backward, last stage first: through the activation, into W and b, then to the stage's input.
    T* delta_previous = lanes(call.delta_previous);
    for (std::size_t j = call.stages.size(); j-- > 0;) {
      const StageLayout& layout = call.layout[j];
      const Index in = layout.inputs, out = layout.outputs;
      if (layout.activation.kind != ActivationKind::identity) {
        visit_elementwise(layout.activation, [&]<typename Form>(Form) {
          outlined_for_lanes<width>([&](auto) {
            activate_backward<T, Form, L>(lanes(layout.pre), lanes(layout.post), delta, group * out, lanes(layout.steepness),
                                          lanes(layout.slope), lanes(layout.alpha));
          });
        });
      }
      // dW[o, i] += dz[o] x[i] and db[o] += dz[o], one example after the other
      const auto weight_gradient = [&](const auto& x_at) {
        // Four weights at a time kept in registers while the group's examples stream past: four
        // independent chains, each weight still summing the examples in ascending order.
        T* weight_grad = lanes(layout.weight_grad);
        for (Index o = 0; o < out; ++o) {
          T* gw = weight_grad + o * in * L;
          for (Index first = 0; first < in; first += 4) {
            with_count(std::min<Index>(4, in - first), [&]<int n>(std::integral_constant<int, n>) {
              V sum[n];
              for (int k = 0; k < n; ++k) sum[k] = load_lanes<L>(gw + (first + k) * L);
              for (Index g = 0; g < group; ++g) {
                const V d = load_lanes<L>(delta + (g * out + o) * L);
                for (int k = 0; k < n; ++k) sum[k] += d * x_at(g, first + k);
              }
              for (int k = 0; k < n; ++k) store_lanes(gw + (first + k) * L, sum[k]);
            });
          }
        }
      };
      if (j == 0) {
        weight_gradient(network_input);
      } else {
        const T* x_in = lanes(call.layout[j - 1].post);  // [group][in]
        weight_gradient([x_in, in](Index g, Index i) { return load_lanes<L>(x_in + (g * in + i) * L); });
      }
      if (layout.has_bias) {
        T* bias_grad = lanes(layout.bias_grad);
        for (Index o = 0; o < out; ++o) {
          V sum = load_lanes<L>(bias_grad + o * L);
          for (Index g = 0; g < group; ++g) sum += load_lanes<L>(delta + (g * out + o) * L);
          store_lanes(bias_grad + o * L, sum);
        }
      }
      if (j == 0) break;  // the network's input needs no gradient
      // dx[i] = Σ_o dz[o] W[o, i], o ascending
      const T* w = lanes(layout.weight);
      for (Index g = 0; g < group; ++g) {
        const T* d = delta + g * out * L;
        for (Index i = 0; i < in; ++i) {
          V sum = load_lanes<L>(d) * load_lanes<L>(w + i * L);
          for (Index o = 1; o < out; ++o) sum += load_lanes<L>(d + o * L) * load_lanes<L>(w + (o * in + i) * L);
          store_lanes(delta_previous + (g * in + i) * L, sum);
        }
      }
      std::swap(delta, delta_previous);
    }
  }

  // Outputs, gradients and losses back to the members.
  // Outputs: [B·C][lane] -> member rows [B·C], L x L tiles transposed in registers.
  const Index output_count = batch * outputs;
  for (Index first = 0; first < output_count; first += L) {
    const Index count = std::min(L, output_count - first);
    V tile[L];
    for (Index k = 0; k < L; ++k) tile[k] = k < count ? load_lanes<L>(output_lanes + (first + k) * L) : V{};
    transpose_lanes<T, L>(tile);
    for (Index l = 0; l < members; ++l) {
      T* out = call.output->data() + (first_member + l) * output_count + first;
      if (count == L) {
        store_lanes(out, tile[l]);
      } else {
        for (Index k = 0; k < count; ++k) out[k] = tile[l][k];
      }
    }
  }
  for (std::size_t j = 0; j < call.stages.size(); ++j) {
    const auto& stage = call.stages[j];
    const StageLayout& layout = call.layout[j];
    const Index weights = layout.outputs * layout.inputs;
    for (Index l = 0; l < members; ++l) {
      T* g = stage.dense->weight_grad().data() + (first_member + l) * weights;
      for (Index k = 0; k < weights; ++k) g[k] = lanes(layout.weight_grad + k)[l];
      if (layout.has_bias) {
        T* bias_grad = stage.dense->bias_grad().data() + (first_member + l) * layout.outputs;
        for (Index o = 0; o < layout.outputs; ++o) bias_grad[o] = lanes(layout.bias_grad + o)[l];
      }
    }
  }
  for (Index l = 0; l < members; ++l)
    call.member_loss[static_cast<std::size_t>(first_member + l)] = Elements::finish(loss_sum[l], element_count);
}

template <typename T, typename Elements>
void run_blocks(const Call<T>& call, TensorT<T>& scratch, std::vector<double>& class_weights) {
  const SimdTarget target = simd_target();  // read once: it sizes the blocks and picks their code
  const Index L = simd_lanes(target);
  const Index blocks = (call.population + L - 1) / L;
  // Scratch per thread, sized before the threads start (an exception must not leave a thread).
  const Index threads = blocks > 1 ? std::max(1, omp_get_max_threads()) : 1;
  const Index weights_per_thread = std::max<Index>(1, call.weighted_classes) * L;
  scratch.resize({threads, call.scratch_vectors * L});
  class_weights.resize(static_cast<std::size_t>(threads * weights_per_thread));
  // Members are independent: how blocks are spread over threads cannot change a result.
#pragma omp parallel for schedule(dynamic) if (blocks > 1)
  for (Index block = 0; block < blocks; ++block) {
    const Index thread = omp_get_thread_num();
    T* const block_scratch = scratch.data() + thread * call.scratch_vectors * L;
    double* const block_weights = class_weights.data() + thread * weights_per_thread;
    // The block compiled for the SIMD target, with its lane count (one member per lane).
    with_simd_target(target, [&]<int lanes>(std::integral_constant<int, lanes>) {
      if (call.shared_input) {
        run_block<T, Elements, true, lanes>(call, block * lanes, block_scratch, block_weights);
      } else {
        run_block<T, Elements, false, lanes>(call, block * lanes, block_scratch, block_weights);
      }
    });
  }
}

}  // namespace

template <typename T>
bool SmallNetworkKernel<T>::supports(const ModelSpec& structure) {
  if (structure.layers.empty()) return false;
  Index inputs = structure.inputs, parameters = 0;
  for (const LayerSpec& layer : structure.layers) {
    if (layer.kind != LayerKind::dense || layer.weight_norm || layer.activation.kind == ActivationKind::softmax || !layer.from.empty())
      return false;
    if (!is_small_dense(inputs, layer.units)) return false;
    parameters += layer.units * inputs + (layer.bias ? layer.units : 0);
    inputs = layer.units;
  }
  return parameters <= max_parameters;
}

template <typename T>
bool SmallNetworkKernel<T>::supports(LossKind loss) {
  return loss == LossKind::sse || loss == LossKind::mse || loss == LossKind::bce;
}

template <typename T>
SmallNetworkKernel<T>::SmallNetworkKernel(std::vector<Stage> stages) : stages_(std::move(stages)) {
  if (stages_.empty()) throw std::invalid_argument("SmallNetworkKernel: no stages");
  population_ = stages_.front().dense->population();
  Index inputs = stages_.front().dense->inputs();
  for (const Stage& stage : stages_) {
    if (stage.dense->population() != population_ || stage.dense->inputs() != inputs ||
        static_cast<Index>(stage.scalars.size()) != population_ || stage.activation.kind == ActivationKind::softmax ||
        !is_small_dense(stage.dense->inputs(), stage.dense->outputs()))
      throw std::invalid_argument("SmallNetworkKernel: stages do not form a small network of one population");
    inputs = stage.dense->outputs();
  }
}

template <typename T>
void SmallNetworkKernel<T>::run(const TensorT<T>& input, const Loss<T>& loss, const Targets<T>& targets,
                                std::span<double> member_loss, TensorT<T>& output) const {
  if (input.rank() != 3 || (input.dim(0) != 1 && input.dim(0) != population_) ||
      input.dim(2) != stages_.front().dense->inputs())
    throw std::invalid_argument(fmt::format("SmallNetworkKernel: input {} is not [1 or {}, B, {}]",
                                            to_string(input.shape()), population_, stages_.front().dense->inputs()));
  if (!supports(loss.kind())) throw std::invalid_argument("SmallNetworkKernel: unsupported loss kind");
  Call<T> call = plan_call<T>(stages_, population_, input.dim(1));
  call.input = &input;
  call.shared_input = input.dim(0) == 1;
  call.values = targets.values;
  call.shared_values = targets.values != nullptr && targets.values->dim(0) == 1;
  call.labels = targets.labels;
  call.shared_labels = static_cast<Index>(targets.labels.size()) == call.batch;
  call.losses = loss.members();
  for (const LossSpec& spec : call.losses)
    call.weighted_classes = std::max(call.weighted_classes, static_cast<Index>(spec.class_weights.size()));
  call.member_loss = member_loss;
  check_call(call, targets);
  output.resize({population_, call.batch, call.outputs});
  call.output = &output;
  // The reduction as the Loss classes take it: all members agree (make_loss checked).
  const LossReduction reduction = loss.sums() ? LossReduction::sum : LossReduction::mean;
  const bool ran = visit_element_loss(loss.kind(), reduction, [&]<typename Elements>(Elements) {
    run_blocks<T, Elements>(call, scratch_, class_weights_);
  });
  if (!ran) throw std::logic_error("SmallNetworkKernel::run: unsupported loss kind");
}

template class SmallNetworkKernel<float>;
template class SmallNetworkKernel<double>;

}  // namespace nnlab
