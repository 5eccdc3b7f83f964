// What the report shows of adversarial.eval_eps beyond accuracy: for each pictured member, the
// first (up to) 8 test images at the largest eps — clean, the perturbation x' − x and the
// adversarial x' (train/adversarial.hpp's adversarial_examples: FGSM, or PGD with steps > 1) —
// with the predicted class and its confidence of the clean and the adversarial image, as the
// evaluation counts them (predict_with_confidence). One JSON artefact per member
// ("adversarial" / "test"), the final weights in evaluation mode.
#pragma once

#include <span>

#include "data/dataset.hpp"
#include "experiment/test_pictures.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "store/run_writer.hpp"
#include "train/options.hpp"

namespace nnlab {

// Nothing for non-image data, an empty test set or a largest eps of 0. `train` gives the clip when
// the config has none (adversarial_clip). Leaves the model's parameter gradients zero.
void record_adversarial_pictures(RunWriter& store, RunId run, Sequential<float>& model, const Loss<float>& loss,
                                 const AdversarialConfig& config, const Dataset& train, const Dataset& test,
                                 std::span<const PictureMember> members);

}  // namespace nnlab
