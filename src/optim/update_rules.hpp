// The update rules of torch.optim, one member's slice of one parameter at a time: plain
// element-wise loops over contiguous floats, whose arithmetic sees only that member's
// values and scalars (population invariance). Scalars PyTorch computes in Python (bias
// corrections, step sizes) are computed here in double and rounded to float where PyTorch
// hands them to a float kernel; tensor arithmetic follows PyTorch's operation order.
#pragma once

#include <array>
#include <cstdint>

#include "core/tensor.hpp"
#include "optim/options.hpp"

namespace nnlab {

// Per-parameter state buffers a rule may keep, each laid out like the parameter.
inline constexpr int max_state_buffers = 3;

// A range of one parameter's elements, all of members with the same options, rate and step
// count: value, gradient and state slices (`count` floats each; a state pointer is null when no
// member of the population uses that buffer). The optimizer cuts ranges anywhere, even inside
// a member, so an update rule must be element-wise (a rule needing a per-member norm, as LARS
// does, would need whole members).
struct MemberSlice {
  float* value = nullptr;
  const float* grad = nullptr;
  std::array<float*, max_state_buffers> state{};
  Index count = 0;
};

// What one update of one member needs besides its slices.
struct MemberStep {
  const OptimizerOptions& options;
  double lr;          // this step's rate: schedule and layer multiplier applied
  std::int64_t step;  // the member's update count including this one (1 on the first update)
  double momentum;    // this step's momentum (sgd, rmsprop) or beta1 (adam, adamw, radam): the options' unless cycled
};

// The option a momentum schedule cycles: `momentum` for sgd and rmsprop, `beta1` for adam,
// adamw and radam; null for adagrad and adadelta, which have neither.
const double* cycled_momentum(const OptimizerOptions& options);
double* cycled_momentum(OptimizerOptions& options);

// Whether `options` needs state buffer `buffer` of its kind (see each rule for the list).
bool uses_state_buffer(const OptimizerOptions& options, int buffer);
// Value a fresh state buffer starts at (Adagrad's initial_accumulator_value; else 0).
float initial_state_value(const OptimizerOptions& options, int buffer);

// state: [momentum_buffer]
void sgd_update(const MemberSlice& slice, const MemberStep& step);
// state: [sum]
void adagrad_update(const MemberSlice& slice, const MemberStep& step);
// state: [square_avg, acc_delta]
void adadelta_update(const MemberSlice& slice, const MemberStep& step);
// state: [square_avg, momentum_buffer, grad_avg]
void rmsprop_update(const MemberSlice& slice, const MemberStep& step);
// Adam and AdamW (decoupled weight decay). state: [exp_avg, exp_avg_sq, max_exp_avg_sq]
void adam_update(const MemberSlice& slice, const MemberStep& step);
// state: [exp_avg, exp_avg_sq]
void radam_update(const MemberSlice& slice, const MemberStep& step);

// Dispatches on options.kind.
void apply_update(const MemberSlice& slice, const MemberStep& step);

}  // namespace nnlab
