#include "train/mixup.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/rng.hpp"
#include "core/sampling.hpp"
#include "data/permutation.hpp"

namespace nnlab {

MixDraw mixup_draw(double alpha, std::uint64_t seed, std::int64_t epoch, Index batch, Index rows) {
  CounterRng rng(seed, RngPurpose::mixup, static_cast<std::uint32_t>(batch), static_cast<std::uint64_t>(epoch));
  MixDraw draw;
  draw.lambda = beta_sample(rng, alpha, alpha);
  draw.partner = random_permutation(rows, rng);
  return draw;
}

void mix_member(Batch& batch, Index m, double lambda, std::span<const Index> partner) {
  const Index rows = batch.rows();
  if (static_cast<Index>(partner.size()) != rows) throw std::invalid_argument("mix_member: one partner per row required");
  const auto own = static_cast<float>(lambda), other = static_cast<float>(1.0 - lambda);
  for (Tensor* tensor : {&batch.inputs, &batch.targets}) {
    const Index width = tensor->dim(2);
    float* slice = tensor->slice(m);
    const std::vector<float> clean(slice, slice + rows * width);
    for (Index b = 0; b < rows; ++b) {
      const float* x = clean.data() + b * width;
      const float* y = clean.data() + partner[static_cast<std::size_t>(b)] * width;
      for (Index f = 0; f < width; ++f) slice[b * width + f] = own * x[f] + other * y[f];
    }
  }
}

MixupHook::MixupHook(const MixupConfig& config) : config_(config) {
  if (!(config_.alpha > 0) || !std::isfinite(config_.alpha)) throw std::invalid_argument("train.mixup.alpha must be > 0");
}

void MixupHook::on_fit_begin(TrainingContext& ctx) {
  if (ctx.full_batch)
    throw std::invalid_argument("train.mixup needs mini-batches (train.batch smaller than the training set): a full batch is gathered once");
  const LossKind kind = ctx.loss.kind();
  if (kind == LossKind::cross_entropy && !ctx.loss.members().front().soft_targets)
    throw std::invalid_argument("train.mixup: cross_entropy must train against the mixed targets (LossSpec::soft_targets)");
  if (kind != LossKind::cross_entropy && kind != LossKind::mse)
    throw std::invalid_argument("train.mixup mixes targets: only the cross_entropy and mse losses train on mixed targets");
}

void MixupHook::on_batch_begin(TrainingContext& ctx, std::int64_t epoch, Index batch, Batch& batch_data) {
  make_per_member(batch_data, ctx.population);
  for (Index m = 0; m < ctx.population; ++m) {
    if (!ctx.state.active[static_cast<std::size_t>(m)]) continue;
    const MixDraw draw = mixup_draw(config_.alpha, ctx.members[static_cast<std::size_t>(m)].seed, epoch, batch, batch_data.rows());
    mix_member(batch_data, m, draw.lambda, draw.partner);
  }
}

}  // namespace nnlab
