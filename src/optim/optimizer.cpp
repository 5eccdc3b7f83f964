// The one Optimizer implementation: per-parameter state tensors laid out like the
// parameters, per-member step counts, and a loop that hands each member's slices to the
// kind's update rule (update_rules.hpp).
#include "optim/optimizer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/threads.hpp"
#include "optim/lookahead.hpp"
#include "optim/update_rules.hpp"

namespace nnlab {
namespace {

// Below this many elements per step, threads cost more than they save.
constexpr Index parallel_threshold = Index{1} << 15;
// Elements per piece of a run of identical members (a unit of work for a thread).
constexpr Index run_elements = Index{1} << 14;

class PopulationOptimizer final : public Optimizer {
 public:
  explicit PopulationOptimizer(std::span<const OptimizerOptions> members)
      : options_(members.begin(), members.end()), steps_(members.size(), 0), same_as_previous_(members.size(), 0) {
    for (std::size_t m = 1; m < options_.size(); ++m) same_as_previous_[m] = options_[m] == options_[m - 1];
  }

  OptimizerKind kind() const override { return options_.front().kind; }

  void reset(Index member, std::span<const ParameterSlot> /*parameters*/) override {
    steps_taken(member);  // checks the member
    steps_[static_cast<std::size_t>(member)] = 0;
    for (auto& buffers : state_)
      for (int b = 0; b < max_state_buffers; ++b)
        if (Tensor& buffer = buffers[static_cast<std::size_t>(b)]; !buffer.empty())
          std::fill_n(buffer.slice(member), buffer.slice_size(), initial_state_value(options_[static_cast<std::size_t>(member)], b));
  }

  std::int64_t steps_taken(Index member) const override {
    if (member < 0 || member >= population())
      throw std::out_of_range(fmt::format("steps_taken: member {} of {}", member, population()));
    return steps_[static_cast<std::size_t>(member)];
  }

  OptimizerState state() const override {
    OptimizerState state{.steps = steps_, .shapes = shapes_, .buffers = {}};
    for (std::size_t p = 0; p < state_.size(); ++p)
      for (int b = 0; b < max_state_buffers; ++b)
        if (const Tensor& buffer = state_[p][static_cast<std::size_t>(b)]; !buffer.empty())
          state.buffers.push_back(OptimizerState::Buffer{.parameter = p, .index = b, .value = buffer});
    return state;
  }

  void restore(const OptimizerState& state) override {
    if (state.steps.size() != options_.size())
      throw std::invalid_argument(
          fmt::format("Optimizer::restore: {} step counts for {} members", state.steps.size(), options_.size()));
    std::vector<std::array<Tensor, max_state_buffers>> buffers(state.shapes.size());
    for (const OptimizerState::Buffer& buffer : state.buffers) {
      if (buffer.parameter >= state.shapes.size() || buffer.index < 0 || buffer.index >= max_state_buffers)
        throw std::invalid_argument(
            fmt::format("Optimizer::restore: buffer {} of parameter {} does not exist", buffer.index, buffer.parameter));
      if (buffer.value.shape() != state.shapes[buffer.parameter])
        throw std::invalid_argument(fmt::format("Optimizer::restore: buffer {} of parameter {} is {}, the parameter {}",
                                                buffer.index, buffer.parameter, to_string(buffer.value.shape()),
                                                to_string(state.shapes[buffer.parameter])));
      buffers[buffer.parameter][static_cast<std::size_t>(buffer.index)] = buffer.value;
    }
    // Every buffer the options use must be there (or none at all, before the first step).
    for (std::size_t p = 0; p < state.shapes.size(); ++p)
      for (int b = 0; b < max_state_buffers; ++b) {
        const bool used = std::any_of(options_.begin(), options_.end(),
                                      [b](const OptimizerOptions& options) { return uses_state_buffer(options, b); });
        if (used != !buffers[p][static_cast<std::size_t>(b)].empty())
          throw std::invalid_argument(fmt::format("Optimizer::restore: buffer {} of parameter {} is {}", b, p,
                                                  used ? "missing" : "not used by these options"));
      }
    steps_ = state.steps;
    shapes_ = state.shapes;
    state_ = std::move(buffers);
  }

  void step(std::span<const ParameterSlot> parameters, std::span<const double> learning_rates,
            std::span<const std::uint8_t> active, std::span<const double> momenta) override {
    check_arguments(parameters, learning_rates, active, momenta);
    if (state_.empty()) allocate_state(parameters);
    check_same_parameters(parameters);

    const Index members = population();
    const auto is_active = [&](Index m) { return active.empty() || active[static_cast<std::size_t>(m)] != 0; };
    const auto rate = [&](Index m) {
      return learning_rates.empty() ? options_[static_cast<std::size_t>(m)].lr
                                    : learning_rates[static_cast<std::size_t>(m)];
    };
    const auto momentum = [&](Index m) {
      const auto member = static_cast<std::size_t>(m);
      const double* own = cycled_momentum(options_[member]);
      return momenta.empty() || std::isnan(momenta[member]) ? (own ? *own : 0.0) : momenta[member];
    };
    // The update count includes this step (PyTorch increments before updating).
    for (Index m = 0; m < members; ++m)
      if (is_active(m)) ++steps_[static_cast<std::size_t>(m)];

    // Consecutive members with equal options, rate and step count form a run, updated as one
    // slice: the same operations with the same scalars on every element as member by member,
    // without a call per member (1000 replicates of a 17-parameter network are a few runs).
    runs_.clear();
    for (Index m = 0; m < members; ++m) {
      if (!is_active(m)) continue;
      const auto member = static_cast<std::size_t>(m);
      const bool extends = !runs_.empty() && runs_.back().end == m && same_as_previous_[member] &&
                           rate(m) == rate(m - 1) && momentum(m) == momentum(m - 1) && steps_[member] == steps_[member - 1];
      if (extends) {
        ++runs_.back().end;
      } else {
        runs_.push_back(Run{m, m + 1});
      }
    }

    for (std::size_t p = 0; p < parameters.size(); ++p) {
      const ParameterSlot& slot = parameters[p];
      std::array<Tensor, max_state_buffers>& buffers = state_[p];
      const Index count = slot.value->slice_size();
      // A run's elements (its members' slices are consecutive) are cut into pieces of about
      // run_elements, for threads: also a single large member's.
      pieces_.clear();
      for (const Run& run : runs_)
        for (Index begin = run.begin * count, end = run.end * count; begin < end; begin += run_elements)
          pieces_.push_back(Piece{run.begin, begin, std::min(end, begin + run_elements)});
      const auto piece_count = static_cast<Index>(pieces_.size());
      // Elements are updated independently, so how pieces are spread over threads cannot change a result.
      parallel_for(piece_count, slot.value->size() >= parallel_threshold, [&](Index r) {
        const Piece& piece = pieces_[static_cast<std::size_t>(r)];
        const OptimizerOptions& options = options_[static_cast<std::size_t>(piece.member)];
        const Index offset = piece.begin;
        MemberSlice slice{.value = slot.value->data() + offset, .grad = slot.grad->data() + offset, .state = {},
                          .count = piece.end - piece.begin};
        for (int b = 0; b < max_state_buffers; ++b) {
          Tensor& buffer = buffers[static_cast<std::size_t>(b)];
          if (!buffer.empty()) slice.state[static_cast<std::size_t>(b)] = buffer.data() + offset;
        }
        const double lr = rate(piece.member) * layer_lr_multiplier(options, slot.layer_index);
        const std::int64_t step = steps_[static_cast<std::size_t>(piece.member)];
        apply_update(slice, MemberStep{.options = options, .lr = lr, .step = step, .momentum = momentum(piece.member)});
      });
    }
  }

 private:
  Index population() const { return static_cast<Index>(options_.size()); }

  void check_arguments(std::span<const ParameterSlot> parameters, std::span<const double> learning_rates,
                       std::span<const std::uint8_t> active, std::span<const double> momenta) const {
    const auto members = static_cast<std::size_t>(population());
    if (!momenta.empty() && momenta.size() != members)
      throw std::invalid_argument(fmt::format("Optimizer::step: {} momenta for {} members", momenta.size(), members));
    for (std::size_t m = 0; m < momenta.size(); ++m) {
      if (std::isnan(momenta[m])) continue;
      const double* own = cycled_momentum(options_[m]);
      if (own == nullptr)
        throw std::invalid_argument(fmt::format("Optimizer::step: member {} is {}, which has no momentum or beta1 to set",
                                                m, optimizer_kind_name(options_[m].kind)));
      // The rule's buffers were sized by the options: SGD's or RMSprop's momentum buffer is
      // missing when its options' momentum is 0.
      const bool buffer_by_momentum = options_[m].kind == OptimizerKind::sgd || options_[m].kind == OptimizerKind::rmsprop;
      if (buffer_by_momentum && *own == 0 && momenta[m] != 0)
        throw std::invalid_argument(fmt::format("Optimizer::step: member {}'s momentum is set to {} but its options' is 0", m, momenta[m]));
    }
    if (!learning_rates.empty() && learning_rates.size() != members)
      throw std::invalid_argument(
          fmt::format("Optimizer::step: {} learning rates for {} members", learning_rates.size(), members));
    if (!active.empty() && active.size() != members)
      throw std::invalid_argument(
          fmt::format("Optimizer::step: {} active flags for {} members", active.size(), members));
    for (std::size_t p = 0; p < parameters.size(); ++p) {
      const ParameterSlot& slot = parameters[p];
      if (slot.value == nullptr || slot.grad == nullptr)
        throw std::invalid_argument(fmt::format("Optimizer::step: parameter {} has no value or gradient", p));
      if (slot.value->shape() != slot.grad->shape())
        throw std::invalid_argument(fmt::format("Optimizer::step: parameter {} is {} but its gradient is {}", p,
                                                to_string(slot.value->shape()), to_string(slot.grad->shape())));
      if (slot.value->rank() == 0 || slot.value->dim(0) != population())
        throw std::invalid_argument(fmt::format("Optimizer::step: parameter {} is {}, expected leading dimension {}", p,
                                                to_string(slot.value->shape()), population()));
      if (slot.layer_index < 0)
        throw std::invalid_argument(
            fmt::format("Optimizer::step: parameter {} has layer index {}", p, slot.layer_index));
    }
  }

  // State buffers exist for a parameter when any member uses them; each member's slice
  // starts at that member's initial value.
  void allocate_state(std::span<const ParameterSlot> parameters) {
    state_.resize(parameters.size());
    shapes_.clear();
    for (std::size_t p = 0; p < parameters.size(); ++p) {
      shapes_.push_back(parameters[p].value->shape());
      for (int b = 0; b < max_state_buffers; ++b) {
        const bool used = std::any_of(options_.begin(), options_.end(),
                                      [b](const OptimizerOptions& options) { return uses_state_buffer(options, b); });
        if (!used) continue;
        Tensor buffer(parameters[p].value->shape());
        for (Index m = 0; m < population(); ++m)
          std::fill_n(buffer.slice(m), buffer.slice_size(),
                      initial_state_value(options_[static_cast<std::size_t>(m)], b));
        state_[p][static_cast<std::size_t>(b)] = std::move(buffer);
      }
    }
  }

  void check_same_parameters(std::span<const ParameterSlot> parameters) const {
    if (parameters.size() != shapes_.size())
      throw std::invalid_argument(fmt::format("Optimizer::step: {} parameters, but the state was built for {}",
                                              parameters.size(), shapes_.size()));
    for (std::size_t p = 0; p < parameters.size(); ++p)
      if (parameters[p].value->shape() != shapes_[p])
        throw std::invalid_argument(fmt::format("Optimizer::step: parameter {} changed shape from {} to {}", p,
                                                to_string(shapes_[p]), to_string(parameters[p].value->shape())));
  }

  struct Run {
    Index begin, end;  // members [begin, end)
  };
  struct Piece {
    Index member;      // the first member of its run: options, rate and step count
    Index begin, end;  // elements [begin, end) of the parameter
  };

  std::vector<OptimizerOptions> options_;
  std::vector<std::int64_t> steps_;                           // per member
  std::vector<std::uint8_t> same_as_previous_;                // options_[m] == options_[m - 1]
  std::vector<Run> runs_;                                     // of this step, kept to reuse their memory
  std::vector<Piece> pieces_;
  std::vector<std::array<Tensor, max_state_buffers>> state_;  // per parameter; empty tensors = unused buffer
  std::vector<Shape> shapes_;                                 // per parameter, checked every step
};

}  // namespace

void Optimizer::reset(Index /*member*/, std::span<const ParameterSlot> /*parameters*/) {
  throw std::logic_error("Optimizer::reset: this optimiser cannot start a member afresh");
}

std::unique_ptr<Optimizer> make_optimizer(std::span<const OptimizerOptions> members) {
  if (members.empty()) throw std::invalid_argument("make_optimizer: no members");
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (members[m].kind != members.front().kind)
      throw std::invalid_argument(fmt::format("make_optimizer: member {} is {} but member 0 is {}", m,
                                              optimizer_kind_name(members[m].kind),
                                              optimizer_kind_name(members.front().kind)));
    if (members[m].wrapper != members.front().wrapper)
      throw std::invalid_argument(fmt::format("make_optimizer: member {} is {} but member 0 is {}", m,
                                              optimizer_name(members[m]), optimizer_name(members.front())));
    try {
      validate(members[m]);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(fmt::format("make_optimizer: member {}: {}", m, error.what()));
    }
  }
  auto rule = std::make_unique<PopulationOptimizer>(members);
  if (members.front().wrapper == OptimizerWrapper::none) return rule;
  return make_lookahead(members, std::move(rule));
}

}  // namespace nnlab
