// The report's adversarial strip ("adversarial" / "test"): the first test images at the largest
// eps, whose adversarial pixels are train/adversarial's examples of that member (and, for the golden
// weights, PyTorch's FGSM: tests/train/golden_adversarial.hpp), and whose predicted classes and
// confidences are an argmax and a softmax computed here; nothing for flat data or eps 0 alone.
#include "experiment/adversarial_pictures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "../train/golden_adversarial.hpp"
#include "store/store.hpp"
#include "support/scratch_directory.hpp"
#include "train/adversarial.hpp"

namespace nnlab {
namespace {

namespace golden = golden_adversarial;
using nlohmann::json;

constexpr Index population = 2;

Dataset golden_images(Shape shape) {
  Dataset data;
  data.inputs = Tensor({24, 4});
  std::copy(golden::inputs.begin(), golden::inputs.end(), data.inputs.data());
  data.labels.assign(golden::labels.begin(), golden::labels.end());
  data.classes = 3;
  data.example_shape = std::move(shape);
  return data;
}

// 4-6-3 tanh; member 0 the golden weights, member 1 those times 1.3.
std::unique_ptr<Sequential<float>> golden_model() {
  LayerSpec hidden{.units = 6}, output{.units = 3};
  hidden.activation.kind = ActivationKind::tanh;
  auto model = std::make_unique<Sequential<float>>(std::vector<ModelSpec>(population, ModelSpec{.inputs = 4, .layers = {hidden, output}}),
                                                   std::vector<std::uint64_t>(population, 1), true);
  const auto parameters = model->parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p)
    for (Index m = 0; m < population; ++m)
      for (std::size_t i = 0; i < golden::weights[p].size(); ++i)
        parameters[p].value->slice(m)[i] = static_cast<float>(golden::weights[p][i] * (1.0 + 0.3 * static_cast<double>(m)));
  return model;
}

RunId new_run(RunStore& store) {
  return store.begin_run(RunStart{.name = "strip", .config_path = "s.yaml", .resolved_config = "", .nnlab_version = "test", .config_git_commit = ""});
}

std::optional<json> stored(const RunStore& store, RunId run, Index member) {
  const auto artefact = store.get_artefact(run, ArtefactLabel{.member = member, .kind = "adversarial", .name = "test", .epoch = std::nullopt});
  if (!artefact) return std::nullopt;
  return json::parse(bytes_text(artefact->content));
}

TEST(AdversarialPictures, StoredImagesAreTheMembersFgsmExamplesWithTheirPredictions) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = new_run(store);
  const Dataset test = golden_images({2, 2});
  const auto model = golden_model();
  const auto loss = make_loss<float>(std::vector<LossSpec>(population, LossSpec{.kind = LossKind::cross_entropy}));
  AdversarialConfig config{.eval_eps = {0.0, 0.05, 0.2}, .clip = std::array<double, 2>{0.0, 1.0}};
  const std::vector<PictureMember> members{{.member = 1, .run_member = 5}, {.member = 0, .run_member = 4}};
  record_adversarial_pictures(store, run, *model, *loss, config, test, test, members);

  // The reference: all 24 examples attacked at once (the loss's mean over another batch size
  // scales the gradient, not its sign).
  const Tensor inputs = Tensor::view({1, 24, 4}, test.inputs.data());
  const Tensor targets = encode_targets(test, 3);
  Tensor expected;
  adversarial_examples(*model, *loss, inputs, Targets<float>{&targets, test.labels}, ForwardContext{.mode = Mode::eval}, 0.2, 1, 0.0,
                       ClipRange{0.0, 1.0}, expected);
  const Tensor clean_output = model->forward(inputs, ForwardContext{.mode = Mode::eval});
  const Tensor adversarial_output = model->forward(expected, ForwardContext{.mode = Mode::eval});
  const golden::Attack& fgsm = golden::attacks[1];
  ASSERT_EQ(fgsm.eps, 0.2);
  ASSERT_EQ(fgsm.steps, 1);
  for (const PictureMember& member : members) {
    SCOPED_TRACE("member " + std::to_string(member.member));
    const std::optional<json> document = stored(store, run, member.run_member);
    ASSERT_TRUE(document.has_value());
    EXPECT_EQ(document->at("member"), member.run_member);
    EXPECT_EQ(document->at("eps").get<double>(), 0.2);  // the largest
    EXPECT_EQ(document->at("height"), 2);
    EXPECT_EQ(document->at("width"), 2);
    EXPECT_EQ(document->at("channels"), 1);
    ASSERT_EQ(document->at("adversarial").size(), 8u);
    bool any_moved = false;
    for (std::size_t b = 0; b < 8; ++b) {
      const auto clean = document->at("clean")[b].get<std::vector<float>>();
      const auto adversarial = document->at("adversarial")[b].get<std::vector<float>>();
      const auto perturbation = document->at("perturbation")[b].get<std::vector<float>>();
      ASSERT_EQ(adversarial.size(), 4u);
      for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t at = b * 4 + i;
        EXPECT_EQ(clean[i], golden::inputs[at]);
        EXPECT_EQ(adversarial[i], expected.slice(member.member)[at]) << "x'[" << at << "]";
        if (member.member == 0) {
          EXPECT_NEAR(adversarial[i], fgsm.adversarial[at], 1e-5) << "torch's x'[" << at << "]";
        }
        EXPECT_EQ(perturbation[i], adversarial[i] - clean[i]);
        EXPECT_LE(std::abs(perturbation[i]), 0.2f + 1e-6f);
        any_moved = any_moved || perturbation[i] != 0.0f;
      }
      for (const auto& [output, prefix] : {std::pair{&clean_output, "clean"}, std::pair{&adversarial_output, "adversarial"}}) {
        const float* row = output->slice(member.member) + b * 3;
        const auto predicted = static_cast<Index>(std::max_element(row, row + 3) - row);
        double total = 0.0;
        for (int c = 0; c < 3; ++c) total += std::exp(static_cast<double>(row[c]));
        EXPECT_EQ(document->at(std::string(prefix) + "_predicted")[b].get<Index>(), predicted) << prefix << " " << b;
        EXPECT_NEAR(document->at(std::string(prefix) + "_confidence")[b].get<double>(), std::exp(static_cast<double>(row[predicted])) / total,
                    1e-12)
            << prefix << " " << b;
      }
    }
    EXPECT_TRUE(any_moved);
  }
  // The attack changes some prediction of member 0 (else the test would not tell clean from adversarial).
  const json first = *stored(store, run, 4);
  EXPECT_NE(first.at("clean_predicted"), first.at("adversarial_predicted"));
}

TEST(AdversarialPictures, NothingForFlatDataOrOnlyCleanEps) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = new_run(store);
  const auto model = golden_model();
  const auto loss = make_loss<float>(std::vector<LossSpec>(population, LossSpec{.kind = LossKind::cross_entropy}));
  const std::vector<PictureMember> members{{.member = 0, .run_member = 0}};
  const Dataset flat = golden_images({4});
  record_adversarial_pictures(store, run, *model, *loss, AdversarialConfig{.eval_eps = {0.1}}, flat, flat, members);
  const Dataset images = golden_images({2, 2});
  record_adversarial_pictures(store, run, *model, *loss, AdversarialConfig{.eval_eps = {0.0}}, images, images, members);
  EXPECT_FALSE(stored(store, run, 0).has_value());
  record_adversarial_pictures(store, run, *model, *loss, AdversarialConfig{.eval_eps = {0.1}}, images, images, members);
  EXPECT_TRUE(stored(store, run, 0).has_value());  // the same call on images stores it
}

}  // namespace
}  // namespace nnlab
