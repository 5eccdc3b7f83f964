// Initialisation from training data, run once after the model is built and before training:
// the layers whose weight init is `lsuv` or `pca` (nn/spec.hpp), in layer order, so that each
// sees the data through the earlier layers as they will start.
//
// - lsuv (Mishkin & Matas 2015, Algorithm 1): the weight starts orthonormal; then, up to
//   `iterations` times, forward the member's batch, take the unbiased variance of the layer's
//   pre-activation W x + b over the batch and every unit, stop once |Var − 1| < tolerance,
//   else W ← W / √Var (a weight-normalised layer scales its gain g instead).
// - pca: the layer's input on the batch (the data for layer 0, else earlier layers' outputs,
//   or the `from` join) gives its principal components; row k of W is component k divided by
//   √(its variance), so every unit's pre-activation has variance 1 on the batch, and a bias
//   is −W · mean, so that it has mean 0 (PCA whitening). Dense layers only.
//
// Every member draws its own batch: the first `batch` rows of a permutation keyed by
// (seed, RngPurpose::data_init), one batch for all its layers; forwards are in evaluation mode
// (no dropout; batch norm uses its running statistics). A member's result depends on its
// seed and spec only, never on the population around it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/model.hpp"

namespace nnlab {

inline constexpr Index lsuv_default_batch = 512;
inline constexpr Index pca_default_batch = 1024;

// One layer of one member: its pre-activation variance on the batch when the procedure
// reached it (earlier layers already initialised) and once every layer was done.
struct DataInitLayer {
  int layer = 0;
  InitKind kind = InitKind::lsuv;
  double variance_before = 0.0;
  double variance_after = 0.0;
  std::int64_t rescalings = 0;  // lsuv: the rescalings taken; pca: 0
};

bool needs_data_init(std::span<const ModelSpec> members);

// Returns [member][each data-initialised layer, in order]. Throws std::invalid_argument
// "model.layers.{i}.init.weight: <reason>" when the data cannot initialise a layer (a pca
// layer with more units than the rank of its input on the batch, a pre-activation with zero
// or non-finite variance).
std::vector<std::vector<DataInitLayer>> initialise_from_data(Sequential<float>& model, const Dataset& train,
                                                             std::span<const std::uint64_t> seeds);

}  // namespace nnlab
