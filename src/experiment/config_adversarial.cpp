// The top-level `adversarial:` section (train/adversarial.hpp): FGSM / PGD evaluation of the final
// weights and FGSM adversarial training.
#include <fmt/format.h>

#include "experiment/config_parts.hpp"

namespace nnlab::config_parts {

AdversarialConfig read_adversarial(const Field& field, const DataConfig& data) {
  const Section section(field, {"eval_eps", "clip", "steps", "step_size", "train"});
  AdversarialConfig adversarial;
  if (const auto eps = section.find("eval_eps")) {
    if (eps->is_list()) {
      for (const Field& item : eps->items()) adversarial.eval_eps.push_back(non_negative(item));
    } else {
      adversarial.eval_eps.push_back(non_negative(*eps));
    }
    if (!data.test && data.validation == 0)
      eps->fail("evaluates on the test set (data.test) or, without one, the validation split (data.validation > 0); give one");
  }
  if (const auto clip = section.find("clip")) {
    if (!clip->is_list()) clip->fail(fmt::format("expected [lo, hi], got {}", clip->got()));
    if (clip->items().size() != 2) clip->fail(fmt::format("expected [lo, hi], got {} values", clip->items().size()));
    const std::vector<Field> bounds = clip->items();
    const double low = bounds[0].number(), high = bounds[1].number();
    if (!(low < high)) clip->fail(fmt::format("lo must be < hi, got [{}, {}]", low, high));
    adversarial.clip = std::array<double, 2>{low, high};
  }
  if (const auto steps = section.find("steps")) adversarial.steps = integer_at_least(*steps, 1);
  if (const auto step_size = section.find("step_size")) adversarial.step_size = positive(*step_size);
  if (const auto train = section.find("train")) {
    const Section keys(*train, {"eps", "weight"});
    AdversarialTrainConfig config;
    if (const auto eps = keys.find("eps")) config.eps = non_negative(*eps);
    if (const auto weight = keys.find("weight")) config.weight = in_closed_unit_interval(*weight);
    adversarial.train = config;
  }
  return adversarial;
}

}  // namespace nnlab::config_parts
