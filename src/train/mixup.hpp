// train.mixup (Zhang et al. 2018): before each training forward, member m's batch becomes
// λ·x + (1 − λ)·x[π] and λ·t + (1 − λ)·t[π], with λ ~ Beta(α, α) (two Gamma draws,
// core/sampling.hpp) and π a random permutation of the batch's rows, both from
// CounterRng(member seed, mixup, stream = batch index, step = epoch): population-invariant and
// reproducible. The loss trains against the mixed targets: cross_entropy with soft targets
// (LossSpec::soft_targets, which the config sets) or mse; other losses are refused. Labels stay
// the rows' own, so the running training accuracy (train_accuracy_running) counts a mixed row as
// right when the output's argmax is its own example's label; train_loss and train_accuracy are
// measured on the clean set. Mini-batches only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "train/hook.hpp"
#include "train/options.hpp"

namespace nnlab {

struct MixDraw {
  double lambda = 1.0;
  std::vector<Index> partner;  // [B]: row b is mixed with row partner[b]
};

// Member `seed`'s λ and partners for batch `batch` (of `rows` rows) of `epoch`: λ first, then the permutation.
MixDraw mixup_draw(double alpha, std::uint64_t seed, std::int64_t epoch, Index batch, Index rows);

// Slice m of `batch` (one per member, or the shared slice 0 when m = 0 and Q = 1): inputs and
// targets become λ·row + (1 − λ)·row[partner], in float.
void mix_member(Batch& batch, Index m, double lambda, std::span<const Index> partner);

class MixupHook final : public TrainingHook {
 public:
  explicit MixupHook(const MixupConfig& config);
  void on_fit_begin(TrainingContext& ctx) override;
  void on_batch_begin(TrainingContext& ctx, std::int64_t epoch, Index batch, Batch& batch_data) override;

 private:
  MixupConfig config_;
};

}  // namespace nnlab
