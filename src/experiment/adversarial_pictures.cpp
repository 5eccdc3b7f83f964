#include "experiment/adversarial_pictures.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "data/augment.hpp"
#include "train/adversarial.hpp"

namespace nnlab {

namespace {
constexpr Index pictured_images = 8;  // one row of the report's grid
}  // namespace

void record_adversarial_pictures(RunWriter& store, RunId run, Sequential<float>& model, const Loss<float>& loss,
                                 const AdversarialConfig& config, const Dataset& train, const Dataset& test,
                                 std::span<const PictureMember> members) {
  if (members.empty() || config.eval_eps.empty() || test.size() == 0) return;
  const double eps = *std::max_element(config.eval_eps.begin(), config.eval_eps.end());
  if (eps <= 0.0) return;
  ImageShape shape;
  try {
    shape = image_shape(test.example_shape);
  } catch (const std::invalid_argument&) {
    return;  // flat data: nothing to picture
  }
  const Index count = std::min(pictured_images, test.size()), features = test.features(), classes = model.outputs();
  const Tensor encoded = encode_targets(test, classes);
  const Tensor inputs = Tensor::view({1, count, features}, test.inputs.data());
  const Tensor targets = Tensor::view({1, count, encoded.dim(1)}, encoded.data());
  const std::span<const std::int32_t> labels(test.labels.data(), static_cast<std::size_t>(count));
  const ForwardContext context{.mode = Mode::eval};
  Tensor adversarial;
  adversarial_examples(model, loss, inputs, Targets<float>{&targets, labels}, context, eps, config.steps, config.step_size,
                       adversarial_clip(config, train), adversarial);
  model.zero_grad();
  const Tensor clean_output = model.forward(inputs, context);  // a copy: the next forward reuses the buffer
  const Tensor& adversarial_output = model.forward(adversarial, context);
  for (const PictureMember& member : members) {
    nlohmann::json clean = nlohmann::json::array(), perturbation = nlohmann::json::array(), attacked = nlohmann::json::array();
    std::vector<Index> clean_predicted, adversarial_predicted;
    std::vector<double> clean_confidence, adversarial_confidence;
    for (Index b = 0; b < count; ++b) {
      const float* x = test.inputs.data() + b * features;
      const float* moved = adversarial.slice(member.member) + b * features;
      std::vector<float> difference(static_cast<std::size_t>(features));
      for (Index i = 0; i < features; ++i) difference[static_cast<std::size_t>(i)] = moved[i] - x[i];
      clean.push_back(std::vector<float>(x, x + features));
      perturbation.push_back(std::move(difference));
      attacked.push_back(std::vector<float>(moved, moved + features));
      const Prediction before = predict_with_confidence(clean_output.slice(member.member) + b * classes, classes, loss.takes_logits());
      const Prediction after = predict_with_confidence(adversarial_output.slice(member.member) + b * classes, classes, loss.takes_logits());
      clean_predicted.push_back(before.predicted);
      clean_confidence.push_back(before.confidence);
      adversarial_predicted.push_back(after.predicted);
      adversarial_confidence.push_back(after.confidence);
    }
    const nlohmann::json document = {{"member", member.run_member},
                                     {"eps", eps},
                                     {"steps", config.steps},
                                     {"channels", shape.channels},
                                     {"height", shape.height},
                                     {"width", shape.width},
                                     {"labels", std::vector<std::int32_t>(labels.begin(), labels.end())},
                                     {"clean", clean},
                                     {"perturbation", perturbation},
                                     {"adversarial", attacked},
                                     {"clean_predicted", clean_predicted},
                                     {"clean_confidence", clean_confidence},
                                     {"adversarial_predicted", adversarial_predicted},
                                     {"adversarial_confidence", adversarial_confidence}};
    store.keep_artefact(run, ArtefactLabel{.member = member.run_member, .kind = "adversarial", .name = "test", .epoch = std::nullopt},
                       text_bytes(document.dump()));
  }
}

}  // namespace nnlab
