// Adversarial examples (train/adversarial.hpp, train/adversarial_hook.hpp): FGSM and PGD examples,
// their accuracy and confidence, and one step of FGSM adversarial training against PyTorch
// (golden_adversarial.hpp, from golden_adversarial.py); eps = 0 is exactly the clean accuracy;
// weight = 1 trains bit for bit as plain training; a member alone computes what it computes in a
// mixed population.
#include "train/adversarial.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "golden_adversarial.hpp"
#include "train/blob_population.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

namespace golden = golden_adversarial;
using Population = testing::BlobPopulation;

const char* hint() { return " (HINT: golden values from torch; re-run tests/train/golden_adversarial.py)"; }

Dataset golden_data() {
  Dataset data;
  data.name = "golden";
  data.inputs = Tensor({24, 4});
  std::copy(golden::inputs.begin(), golden::inputs.end(), data.inputs.data());
  data.labels.assign(golden::labels.begin(), golden::labels.end());
  data.classes = 3;
  data.example_shape = {4};
  return data;
}

ModelSpec golden_spec() {
  LayerSpec hidden{.units = 6}, output{.units = 3};
  hidden.activation.kind = ActivationKind::tanh;
  return ModelSpec{.inputs = 4, .layers = {hidden, output}};
}

// Member 0 has the golden weights; member m > 0 the golden weights times (1 + 0.3 m): other
// numbers, so a mix-up between members shows.
void set_golden_weights(Sequential<float>& model) {
  const auto parameters = model.parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p)
    for (Index m = 0; m < parameters[p].value->dim(0); ++m)
      for (std::size_t i = 0; i < golden::weights[p].size(); ++i)
        parameters[p].value->slice(m)[i] = static_cast<float>(golden::weights[p][i] * (1.0 + 0.3 * static_cast<double>(m)));
}

struct GoldenModel {
  std::unique_ptr<Loss<float>> loss;
  Sequential<float> model;
  explicit GoldenModel(Index population)
      : loss(make_loss<float>(std::vector<LossSpec>(static_cast<std::size_t>(population), LossSpec{.kind = LossKind::cross_entropy}))),
        model(std::vector<ModelSpec>(static_cast<std::size_t>(population), golden_spec()),
              std::vector<std::uint64_t>(static_cast<std::size_t>(population), 1), true) {
    set_golden_weights(model);
  }
};

TEST(Adversarial, FgsmAndPgdExamplesMatchTorch) {
  GoldenModel golden_model(2);
  const Dataset data = golden_data();
  const Tensor inputs = Tensor::view({1, 24, 4}, data.inputs.data());
  const Tensor encoded = encode_targets(data, 3);
  const Tensor targets = Tensor::view({1, 24, 3}, encoded.data());
  for (const auto& attack : golden::attacks) {
    SCOPED_TRACE(::testing::Message() << "eps " << attack.eps << ", " << attack.steps << " steps");
    Tensor adversarial;
    adversarial_examples(golden_model.model, *golden_model.loss, inputs, Targets<float>{&targets, data.labels},
                         ForwardContext{.mode = Mode::eval}, attack.eps, attack.steps, attack.step_size, ClipRange{0.0, 1.0}, adversarial);
    ASSERT_EQ(adversarial.shape(), (Shape{2, 24, 4}));
    int moved = 0;
    for (std::size_t i = 0; i < attack.adversarial.size(); ++i) {
      EXPECT_NEAR(adversarial.slice(0)[i], attack.adversarial[i], 1e-5) << "x'[" << i << "]" << hint();
      moved += adversarial.slice(0)[i] != golden::inputs[i];
    }
    EXPECT_GT(moved, 48) << "most inputs move by eps";
  }
}

TEST(Adversarial, AccuracyAndConfidenceMatchTorch) {
  GoldenModel golden_model(2);
  const Dataset data = golden_data();
  for (const auto& attack : golden::attacks) {
    SCOPED_TRACE(::testing::Message() << "eps " << attack.eps << ", " << attack.steps << " steps");
    const AdversarialConfig config{.eval_eps = {0.0, attack.eps}, .clip = std::array<double, 2>{0.0, 1.0}, .steps = attack.steps,
                                   .step_size = attack.step_size};
    const AdversarialAccuracy measured =
        evaluate_adversarial(golden_model.model, *golden_model.loss, data, encode_targets(data, 3), config, ClipRange{0.0, 1.0}, 0);
    ASSERT_EQ(measured.accuracy.size(), 4u);  // [e * P + m]
    EXPECT_NEAR(measured.accuracy[0], golden::clean_accuracy, 1e-12) << hint();
    EXPECT_NEAR(measured.confidence[0], golden::clean_confidence, 1e-5) << hint();
    EXPECT_NEAR(measured.accuracy[2], attack.accuracy, 1e-12) << hint();
    EXPECT_NEAR(measured.confidence[2], attack.confidence, 1e-5) << hint();
    EXPECT_LT(measured.accuracy[2], measured.accuracy[0]) << "the attack works";
  }
}

// The golden member alone and as member 0 or 1 of a population (the other one with other weights).
TEST(Adversarial, AMemberAloneEvaluatesAsInAMixedPopulation) {
  const Dataset data = golden_data();
  const AdversarialConfig config{.eval_eps = {0.0, 0.05, 0.2}, .clip = std::nullopt, .steps = 2, .step_size = 0.1};
  const ClipRange clip = adversarial_clip(config, data);
  GoldenModel together(3);
  const AdversarialAccuracy mixed = evaluate_adversarial(together.model, *together.loss, data, encode_targets(data, 3), config, clip, 0);
  for (Index m = 0; m < 3; ++m) {
    GoldenModel alone(1);
    const auto parameters = alone.model.parameters();
    const auto theirs = together.model.parameters();
    for (std::size_t p = 0; p < parameters.size(); ++p) std::copy_n(theirs[p].value->slice(m), parameters[p].value->size(), parameters[p].value->data());
    const AdversarialAccuracy own = evaluate_adversarial(alone.model, *alone.loss, data, encode_targets(data, 3), config, clip, 0);
    for (std::size_t e = 0; e < 3; ++e) {
      const std::size_t at = e * 3 + static_cast<std::size_t>(m);
      EXPECT_EQ(std::bit_cast<std::uint64_t>(own.accuracy[e]), std::bit_cast<std::uint64_t>(mixed.accuracy[at])) << "member " << m << " eps " << e;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(own.confidence[e]), std::bit_cast<std::uint64_t>(mixed.confidence[at])) << "member " << m << " eps " << e;
    }
  }
}

TEST(Adversarial, PerturbationSignsClipsAndProjects) {
  const Tensor x({1, 1, 4}, {0.0f, 0.5f, 0.95f, 0.5f});
  const Tensor grad({2, 1, 4}, {1.0f, -2.0f, 3.0f, 0.0f, -1.0f, 1.0f, -1.0f, 0.0f});
  Tensor out;
  fgsm_perturb(x, grad, 0.1, ClipRange{0.0, 1.0}, out);
  ASSERT_EQ(out.shape(), (Shape{2, 1, 4}));
  const std::vector<float> expected{0.1f, 0.4f, 1.0f, 0.5f, 0.0f, 0.6f, 0.85f, 0.5f};  // sign(0) = 0; 1.05 and -0.1 clipped
  for (Index i = 0; i < 8; ++i) EXPECT_NEAR(out[i], expected[static_cast<std::size_t>(i)], 1e-7) << i;
  Tensor current({2, 1, 4}, {0.0f, 0.5f, 0.95f, 0.5f, 0.0f, 0.5f, 0.95f, 0.5f});
  for (int step = 0; step < 3; ++step) pgd_move(x, grad, 0.06, 0.1, ClipRange{0.0, 1.0}, current);
  // Each move of 0.06 projected to the 0.1 ball around x, then clipped to [0, 1].
  EXPECT_NEAR(current[0], 0.1f, 1e-7);
  EXPECT_NEAR(current[1], 0.4f, 1e-7);
  EXPECT_EQ(current[2], 1.0f);
  EXPECT_EQ(current[3], 0.5f);
  EXPECT_EQ(current[4], 0.0f);
  EXPECT_NEAR(current[5], 0.6f, 1e-7);
  EXPECT_NEAR(current[6], 0.85f, 1e-7);
}

// ------------------------------------------------------------------ inside Trainer::fit

TrainConfig full_batch_step(double eps, double weight) {
  TrainConfig config;
  config.epochs = 1;
  config.batch = 0;
  config.adversarial = AdversarialConfig{.eval_eps = {}, .clip = std::array<double, 2>{0.0, 1.0}, .steps = 1, .step_size = 0.01,
                                         .train = AdversarialTrainConfig{.eps = eps, .weight = weight}};
  return config;
}

TEST(AdversarialTraining, OneSgdStepMatchesTorch) {
  GoldenModel golden_model(1);
  const Dataset data = golden_data();
  const std::vector<OptimizerOptions> sgd{OptimizerOptions{.kind = OptimizerKind::sgd, .lr = golden::train_lr}};
  const auto optimizer = make_optimizer(sgd);
  Trainer trainer(golden_model.model, *golden_model.loss, *optimizer, {MemberSetup{.seed = 1, .base_lr = golden::train_lr}},
                  full_batch_step(golden::train_eps, golden::train_weight), SuccessConfig{});
  trainer.fit(TrainingData{&data, nullptr, nullptr});
  const auto parameters = golden_model.model.parameters();
  double moved = 0.0;
  for (std::size_t p = 0; p < parameters.size(); ++p)
    for (std::size_t i = 0; i < golden::after_step[p].size(); ++i) {
      const double after = (*parameters[p].value)[static_cast<Index>(i)];
      EXPECT_NEAR(after, golden::after_step[p][i], 1e-5 * (1.0 + std::abs(golden::after_step[p][i]))) << parameters[p].name << "[" << i << "]" << hint();
      moved = std::max(moved, std::abs(after - golden::weights[p][i]));
    }
  EXPECT_GT(moved, 1e-3) << "the step moved the weights";
}

Population population() { return testing::momentum_population(); }

struct Data {
  Dataset train = testing::blobs(10, 1, 1.5);
  Dataset test = testing::blobs(100, 2, 1.5);
};

TrainConfig mini_batches(std::optional<AdversarialConfig> adversarial) {
  TrainConfig config;
  config.epochs = 6;
  config.batch = 7;
  config.adversarial = std::move(adversarial);
  return config;
}

testing::BlobRun train(const Population& p, const Data& data, const TrainConfig& config) {
  return testing::train_population(p, TrainingData{&data.train, nullptr, &data.test}, config, testing::relu_classifier(4, 16, 3));
}

bool same_bits(const Tensor& a, const float* b) { return std::memcmp(a.data(), b, static_cast<std::size_t>(a.size()) * sizeof(float)) == 0; }

TEST(AdversarialTraining, WeightOneTrainsAsPlainTraining) {
  const Data data;
  const Population p = population();
  const testing::BlobRun plain = train(p, data, mini_batches(std::nullopt));
  const testing::BlobRun weighted = train(p, data, mini_batches(AdversarialConfig{.train = AdversarialTrainConfig{.eps = 0.3, .weight = 1.0}}));
  const testing::BlobRun adversarial = train(p, data, mini_batches(AdversarialConfig{.train = AdversarialTrainConfig{.eps = 0.3, .weight = 0.5}}));
  ASSERT_EQ(plain.weights.size(), weighted.weights.size());
  bool differs = false;
  for (std::size_t t = 0; t < plain.weights.size(); ++t) {
    for (Index i = 0; i < plain.weights[t].size(); ++i) EXPECT_EQ(plain.weights[t][i], weighted.weights[t][i]) << "tensor " << t << " [" << i << "]";
    differs = differs || !same_bits(plain.weights[t], adversarial.weights[t].data());
  }
  EXPECT_TRUE(differs) << "weight 0.5 trains differently";
}

TEST(AdversarialTraining, EpsZeroEvaluationIsExactlyTheCleanTestAccuracy) {
  const Data data;
  const testing::BlobRun run =
      train(population(), data, mini_batches(AdversarialConfig{.eval_eps = {0.0, 0.3, 1.0}, .train = AdversarialTrainConfig{.eps = 0.3, .weight = 0.5}}));
  for (const MemberResult& result : run.results) {
    ASSERT_TRUE(result.adversarial);
    const AdversarialOutcome& outcome = *result.adversarial;
    EXPECT_TRUE(outcome.on_test);
    EXPECT_EQ(outcome.eps, (std::vector<double>{0.0, 0.3, 1.0}));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(outcome.accuracy[0]), std::bit_cast<std::uint64_t>(result.final_metrics.test_accuracy));
    EXPECT_LT(outcome.accuracy[2], outcome.accuracy[0]) << "eps 1 on inputs of spread ~1.5 must hurt";
    for (const double confidence : outcome.confidence) {
      EXPECT_GT(confidence, 1.0 / 3.0 - 1e-12);
      EXPECT_LE(confidence, 1.0);
    }
    EXPECT_LT(outcome.clip_low, outcome.clip_high);  // the training inputs' range
  }
}

TEST(AdversarialTraining, AMemberAloneTrainsAndEvaluatesAsInAMixedPopulation) {
  const Data data;
  const Population p = population();
  const TrainConfig config = mini_batches(AdversarialConfig{.eval_eps = {0.0, 0.2}, .steps = 2, .step_size = 0.15,
                                                            .train = AdversarialTrainConfig{.eps = 0.3, .weight = 0.4}});
  const testing::BlobRun together = train(p, data, config);
  for (std::size_t m = 0; m < p.seeds.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    const testing::BlobRun alone = train(p.only(m), data, config);
    for (std::size_t t = 0; t < alone.weights.size(); ++t)
      EXPECT_TRUE(same_bits(alone.weights[t], together.weights[t].slice(static_cast<Index>(m)))) << "tensor " << t;
    const AdversarialOutcome& mine = *alone.results[0].adversarial;
    const AdversarialOutcome& theirs = *together.results[m].adversarial;
    for (std::size_t e = 0; e < mine.eps.size(); ++e) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(mine.accuracy[e]), std::bit_cast<std::uint64_t>(theirs.accuracy[e]));
      EXPECT_EQ(std::bit_cast<std::uint64_t>(mine.confidence[e]), std::bit_cast<std::uint64_t>(theirs.confidence[e]));
    }
  }
}

// A checkpoint after epoch 3 of 6 resumes to the uninterrupted run's weights and outcome: the
// training hook keeps nothing across batches and the outcome is made at the end of the fit.
TEST(AdversarialTraining, ACheckpointResumesBitIdentical) {
  const Data data;
  const Population p = population();
  const TrainConfig config = mini_batches(AdversarialConfig{.eval_eps = {0.0, 0.2}, .train = AdversarialTrainConfig{.eps = 0.3, .weight = 0.4}});
  const TrainingData sets{&data.train, nullptr, &data.test};
  const ModelSpec spec = testing::relu_classifier(4, 16, 3);
  const testing::BlobRun uninterrupted = testing::train_population(p, sets, config, spec);
  std::unique_ptr<testing::MemoryCheckpointer> checkpoint;
  testing::train_population(p, sets, config, spec, nullptr, {}, &checkpoint, 3);
  ASSERT_TRUE(checkpoint && checkpoint->trainer);
  EXPECT_EQ(checkpoint->trainer->epochs_done, 3);
  const testing::BlobRun resumed = testing::train_population(p, sets, config, spec, nullptr, {}, nullptr, 0, checkpoint.get());
  for (std::size_t t = 0; t < resumed.weights.size(); ++t) EXPECT_TRUE(same_bits(resumed.weights[t], uninterrupted.weights[t].data())) << "tensor " << t;
  for (std::size_t m = 0; m < p.seeds.size(); ++m)
    for (std::size_t e = 0; e < 2; ++e)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(resumed.results[m].adversarial->accuracy[e]),
                std::bit_cast<std::uint64_t>(uninterrupted.results[m].adversarial->accuracy[e]));
}

TEST(AdversarialTraining, EvaluationNeedsATestOrValidationSet) {
  const Data data;
  const Population p = population().only(0);
  EXPECT_THROW(testing::train_population(p, TrainingData{&data.train, nullptr, nullptr}, mini_batches(AdversarialConfig{.eval_eps = {0.1}}),
                                         testing::relu_classifier(4, 16, 3)),
               std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
