// What the report draws from the test set, stored as JSON artefacts of chosen members: the
// confusion matrix over the whole test set ("confusion" / "test") and one hidden layer's
// activations on the first (up to) 1,000 test examples ("activations" / "layers.{k}"), for t-SNE, and
// for a convolutional model the first test image's feature maps ("feature_maps" / "test-0",
// experiment/feature_maps.hpp).
#pragma once

#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/model.hpp"
#include "store/run_writer.hpp"
#include "train/training_state.hpp"

namespace nnlab {

struct PictureMember {
  Index member = 0;      // in the population
  Index run_member = 0;  // in the run
};

// One pass over the test set for all `members`; `layer` is the config layer whose outputs are kept.
void record_test_pictures(RunWriter& store, RunId run, Sequential<float>& model, const Dataset& test,
                          std::span<const PictureMember> members, Index layer);

// The member of `members` (population-local indices) with the median final train loss
// (core's lower_median_position: non-finite losses last, ties to the earlier member).
Index median_member(std::span<const Index> members, std::span<const MemberResult> results);

// Each trial's median member (median_member over the members of that trial; members[m]'s trial
// is member_trial[m]), numbered in the run from first_member.
std::vector<PictureMember> pictured_members(std::span<const Index> trials, std::span<const Index> member_trial,
                                            std::span<const MemberResult> results, Index first_member);

// The default t-SNE layer: the last hidden layer, or the only layer of a one-layer network.
Index default_tsne_layer(Index layers);

}  // namespace nnlab
