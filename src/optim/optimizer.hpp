// Optimisers see named (parameter, gradient) pairs laid out [P, ...] and one options
// struct per member; never layers. State is keyed by the parameter's position in the
// list passed to step, which must be the same list (same order, same shapes) every call.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "optim/options.hpp"

namespace nnlab {

// Everything a later step depends on besides the parameters themselves: what a checkpoint
// keeps so that training resumed from it continues bit-identically.
// Buffer indices of OptimizerState: the update rule's 0 .. max_state_buffers - 1
// (update_rules.hpp), then Lookahead's slow weights.
inline constexpr int lookahead_slow_buffer = 3;
inline constexpr int max_optimizer_buffers = 4;

struct OptimizerState {
  struct Buffer {
    std::size_t parameter = 0;  // position in the step's parameter list
    int index = 0;              // which buffer: the rule's (update_rules.hpp) or lookahead_slow_buffer
    Tensor value;               // laid out like the parameter, [P, ...]
  };
  std::vector<std::int64_t> steps;  // per member: updates taken
  std::vector<Shape> shapes;        // per parameter; empty before the first step
  std::vector<Buffer> buffers;      // the buffers in use, by parameter then index
};

struct ParameterSlot {
  Tensor* value = nullptr;       // [P, ...], updated in place
  const Tensor* grad = nullptr;  // [P, ...]
  int layer_index = 0;           // for per-layer learning-rate multipliers
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual OptimizerKind kind() const = 0;
  // One update. learning_rates[m] is member m's rate for this step (its schedule applied);
  // empty = each member's options.lr. The per-layer multiplier of its options is applied on
  // top. `active[m] == 0` skips member m entirely (a diverged member is frozen: parameters,
  // state and step count untouched); empty = all active. Member m's arithmetic depends only
  // on its own slices, options and step count, never on P, other members or threads.
  // momenta[m] replaces member m's momentum (SGD, RMSprop) or beta1 (Adam, AdamW, RAdam) for
  // this step, as a scheduler sets a param group's (cycle_momentum); NaN or empty = its
  // options'. A rule's buffers come from the options, so a member whose momentum cycles must
  // have options with a non-zero momentum (the cycle's first value, as PyTorch sets it).
  // Throws std::invalid_argument on mismatched sizes or shapes.
  virtual void step(std::span<const ParameterSlot> parameters, std::span<const double> learning_rates = {},
                    std::span<const std::uint8_t> active = {}, std::span<const double> momenta = {}) = 0;
  // Updates taken so far by member m (Adam's bias correction uses it).
  virtual std::int64_t steps_taken(Index member) const = 0;

  // A copy of the state, and its restoration (into an optimiser made with the same options).
  // restore throws std::invalid_argument when the state does not fit this population.
  virtual OptimizerState state() const = 0;
  virtual void restore(const OptimizerState& state) = 0;

  // Starts member m afresh, as if it had taken no step (pruning's rewind, train/prune.hpp): its
  // step count 0, its buffers at their initial values, Lookahead's slow weights at the member's
  // current `parameters` (the step's list). Other members are untouched. The default throws
  // std::logic_error: an optimiser that cannot reset cannot train a pruned run.
  virtual void reset(Index member, std::span<const ParameterSlot> parameters);
};

// members: one options struct per member (P = members.size() >= 1); their `kind` and `wrapper`
// must agree and each must pass validate(), else std::invalid_argument naming the member.
// A wrapper (lookahead, ranger) wraps the optimiser of `kind` made from the same options.
std::unique_ptr<Optimizer> make_optimizer(std::span<const OptimizerOptions> members);

}  // namespace nnlab
