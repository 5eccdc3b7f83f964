// Lookahead: the inner optimiser's step, then the slow-weight update of each active member
// whose update count has reached a multiple of its k. Element-wise on that member's slices,
// in float, as PyTorch's slow.add_(fast - slow, alpha=α) then fast.copy_(slow).
#include "optim/lookahead.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "optim/update_rules.hpp"

namespace nnlab {
namespace {

static_assert(lookahead_slow_buffer == max_state_buffers && max_optimizer_buffers == max_state_buffers + 1,
              "the slow weights follow the update rule's buffers");

class LookaheadOptimizer final : public Optimizer {
 public:
  LookaheadOptimizer(std::span<const OptimizerOptions> members, std::unique_ptr<Optimizer> inner)
      : inner_(std::move(inner)) {
    for (const OptimizerOptions& options : members) {
      k_.push_back(options.lookahead_k);
      alpha_.push_back(static_cast<float>(options.lookahead_alpha));
    }
  }

  OptimizerKind kind() const override { return inner_->kind(); }
  std::int64_t steps_taken(Index member) const override { return inner_->steps_taken(member); }

  void reset(Index member, std::span<const ParameterSlot> parameters) override {
    inner_->reset(member, parameters);
    for (std::size_t p = 0; p < slow_.size() && p < parameters.size(); ++p)  // none before the first step: it starts there
      std::copy_n(parameters[p].value->slice(member), slow_[p].slice_size(), slow_[p].slice(member));
  }

  OptimizerState state() const override {
    OptimizerState state = inner_->state();
    for (std::size_t p = 0; p < slow_.size(); ++p)
      state.buffers.push_back(OptimizerState::Buffer{.parameter = p, .index = lookahead_slow_buffer, .value = slow_[p]});
    return state;
  }

  void restore(const OptimizerState& state) override {
    OptimizerState inner = state;
    std::vector<Tensor> slow(state.shapes.size());
    inner.buffers.clear();
    for (const OptimizerState::Buffer& buffer : state.buffers) {
      if (buffer.index != lookahead_slow_buffer) {
        inner.buffers.push_back(buffer);
        continue;
      }
      if (buffer.parameter >= state.shapes.size())
        throw std::invalid_argument(
            fmt::format("Optimizer::restore: slow weights of parameter {} that does not exist", buffer.parameter));
      if (buffer.value.shape() != state.shapes[buffer.parameter])
        throw std::invalid_argument(fmt::format("Optimizer::restore: slow weights of parameter {} are {}, the parameter {}",
                                                buffer.parameter, to_string(buffer.value.shape()),
                                                to_string(state.shapes[buffer.parameter])));
      slow[buffer.parameter] = buffer.value;
    }
    for (std::size_t p = 0; p < slow.size(); ++p)
      if (slow[p].empty())
        throw std::invalid_argument(fmt::format("Optimizer::restore: slow weights of parameter {} are missing", p));
    inner_->restore(inner);  // checks the step counts and the rule's buffers
    slow_ = std::move(slow);
  }

  void step(std::span<const ParameterSlot> parameters, std::span<const double> learning_rates,
            std::span<const std::uint8_t> active, std::span<const double> momenta) override {
    // φ starts at the parameters before the first update.
    const bool first = slow_.empty();
    std::vector<Tensor> initial;
    if (first)
      for (const ParameterSlot& slot : parameters)
        if (slot.value != nullptr) initial.push_back(*slot.value);
    inner_->step(parameters, learning_rates, active, momenta);  // checks the arguments
    if (first) slow_ = std::move(initial);

    for (std::size_t m = 0; m < k_.size(); ++m) {
      if (!active.empty() && active[m] == 0) continue;
      if (inner_->steps_taken(static_cast<Index>(m)) % k_[m] != 0) continue;
      const float alpha = alpha_[m];
      for (std::size_t p = 0; p < parameters.size(); ++p) {
        Tensor& value = *parameters[p].value;
        const Index count = value.slice_size();
        float* const fast = value.slice(static_cast<Index>(m));
        float* const slow = slow_[p].slice(static_cast<Index>(m));
        for (Index i = 0; i < count; ++i) {
          const float difference = fast[i] - slow[i];
          slow[i] = slow[i] + alpha * difference;
          fast[i] = slow[i];
        }
      }
    }
  }

 private:
  std::unique_ptr<Optimizer> inner_;
  std::vector<std::int64_t> k_;  // per member
  std::vector<float> alpha_;     // per member, rounded to float as PyTorch's add_ does
  std::vector<Tensor> slow_;     // per parameter, [P, ...]; empty before the first step
};

}  // namespace

std::unique_ptr<Optimizer> make_lookahead(std::span<const OptimizerOptions> members, std::unique_ptr<Optimizer> inner) {
  if (inner == nullptr) throw std::invalid_argument("make_lookahead: no inner optimiser");
  return std::make_unique<LookaheadOptimizer>(members, std::move(inner));
}

}  // namespace nnlab
