// The runner end to end on real data: a Fashion-MNIST subset learns, and the result is
// bit-identical with 1 and 2 threads (GEMM threading included).
#include "experiment/runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/threads.hpp"
#include "data/named.hpp"
#include "experiment/data_setup.hpp"
#include "experiment/plan.hpp"
#include "experiment/weights_file.hpp"
#include "io/safetensors.hpp"
#include "store/store.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

bool have_fashion_mnist() { return std::filesystem::exists(std::string(fashion_mnist_system_dir) + "/t10k-images-idx3-ubyte.gz"); }

const char* subset_experiment = R"(
name: fashion-subset
seed: 0
data:
  train: {source: fashion-mnist, split: train}
  test: {source: fashion-mnist, split: test}
  subset: {train: 2000, test: 1000}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 10}
loss: cross_entropy
optimizer: {type: sgd, lr: 0.05, momentum: 0.9}
train: {epochs: 5, batch: 32, order: shuffled}
)";

TEST(Runner, FashionMnistSubsetReachesSeventyPercent) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const ExperimentConfig config = parse_experiment(subset_experiment, "subset.yaml");
  const RunSummary summary = run_experiment(config);
  ASSERT_EQ(summary.members.size(), 1u);
  const auto& final_metrics = summary.members[0].result.final_metrics;
  EXPECT_GE(final_metrics.test_accuracy, 0.70);
  EXPECT_LT(final_metrics.train_loss, summary.members[0].result.history.front().train_loss);
}

// Seed 004's sorted-labels study at batch 1: the reported train accuracy is the saved network's
// accuracy on the training set, evaluated here independently from the weights file; the running
// average over the epoch (0.985 in the issue that found this) is kept apart and hides the forgetting.
TEST(Runner, SortedOnlineTrainAccuracyIsTheSavedNetworksAccuracy) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const ExperimentConfig config = parse_experiment(subset_experiment, "subset.yaml",
                                                   {"train.order=sorted", "train.batch=1", "train.epochs=1", "optimizer.momentum=0",
                                                    "data.subset.train=1500"});
  testing::ScratchDirectory scratch;
  const RunSummary summary = run_experiment(config, RunOptions{.save_model = scratch / "sorted.safetensors"});
  const EpochMetrics& reported = summary.members[0].result.final_metrics;

  const ExperimentData data = load_experiment_data(config);
  ModelSpec spec = config.model;
  spec.inputs = data.train.features();
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{99};  // any seed: the file's weights replace the initial ones
  Sequential<float> model(specs, seeds, true);
  load_weights_into(model, scratch / "sorted.safetensors");
  Index correct = 0;
  std::vector<Index> class_correct(10, 0), class_count(10, 0);
  for (Index row = 0; row < data.train.size(); ++row) {
    Tensor x({1, 1, spec.inputs});
    std::copy_n(data.train.inputs.data() + row * spec.inputs, spec.inputs, x.data());
    const Tensor& scores = model.forward(x, ForwardContext{.mode = Mode::eval});
    const auto predicted = std::max_element(scores.data(), scores.data() + 10) - scores.data();
    const auto label = data.train.labels[static_cast<std::size_t>(row)];
    ++class_count[static_cast<std::size_t>(label)];
    if (predicted == label) {
      ++correct;
      ++class_correct[static_cast<std::size_t>(label)];
    }
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(data.train.size());
  EXPECT_EQ(reported.train_accuracy, accuracy);
  ASSERT_EQ(reported.train_class_accuracy.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k)
    EXPECT_EQ(reported.train_class_accuracy[k], static_cast<double>(class_correct[k]) / static_cast<double>(class_count[k])) << "class " << k;
  // The network ends the epoch on the last class (Ankle boot, 9) and has forgotten most others.
  EXPECT_LT(accuracy, 0.5);
  EXPECT_GT(reported.train_class_accuracy[9], 0.8);
  EXPECT_GT(reported.train_accuracy_running, accuracy + 0.3);
}

// One class weight per class: more are refused like fewer (issue 9, item 16: 10^6 weights were
// accepted and carried by every member).
TEST(Runner, ClassWeightsMustBeOnePerClass) {
  const std::string xor_yaml = "data: {train: xor}\nmodel: {layers: [{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]}\n"
                               "loss: sse\ntrain: {epochs: 1}\n";
  for (const char* weights : {"[1]", "[1, 2, 3]", "[1, 2, 3, 4, 5, 6, 7, 8]"}) {
    const ExperimentConfig config = parse_experiment(xor_yaml, "xor.yaml", {std::string("loss.class_weights=") + weights});
    testing::expect_input_error([&] { run_experiment(config); }, {"loss.class_weights", "weights for 2 classes"});
  }
  const ExperimentConfig fine = parse_experiment(xor_yaml, "xor.yaml", {"loss.class_weights=[1, 2]"});
  EXPECT_EQ(run_experiment(fine).members.size(), 1u);
}

TEST(Runner, SameSeedBitIdenticalWithOneAndTwoThreads) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // Wide enough layers that OpenBLAS really splits the products over threads.
  const ExperimentConfig config = parse_experiment(subset_experiment, "subset.yaml",
                                                   {"train.epochs=1", "model.layers.0.units=512", "replicates=2"});
  const testing::ScratchDirectory dir;  // its own, not a fixed /tmp name another test run may share
  const auto one_file = dir / "threads_1.safetensors", two_file = dir / "threads_2.safetensors";
  set_thread_count(1);
  const RunSummary one = run_experiment(config, RunOptions{.save_model = one_file});
  set_thread_count(2);
  const RunSummary two = run_experiment(config, RunOptions{.save_model = two_file});
  set_thread_count(0);
  for (std::size_t m = 0; m < 2; ++m) {
    EXPECT_EQ(one.members[m].result.final_metrics.train_loss, two.members[m].result.final_metrics.train_loss);
    EXPECT_EQ(one.members[m].result.final_metrics.test_accuracy, two.members[m].result.final_metrics.test_accuracy);
  }
  const auto a = read_safetensors(one_file), b = read_safetensors(two_file);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].value.size(), b[i].value.size());
    EXPECT_TRUE(std::equal(a[i].value.span().begin(), a[i].value.span().end(), b[i].value.span().begin())) << a[i].name;
  }
}

TEST(Runner, ReplicateIsReproducibleAlone) {
  // Member i of `replicates: N` is the run with seed + i alone.
  const char* mirror = R"(
seed: 10
replicates: 5
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
  init: {weight: {uniform: 0.3}, bias: {uniform: 0.3}}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 300, batch: full, order: fixed}
)";
  const RunSummary population = run_experiment(parse_experiment(mirror, "mirror.yaml"));
  const RunSummary alone = run_experiment(parse_experiment(mirror, "mirror.yaml", {"seed=13", "replicates=1"}));
  EXPECT_EQ(population.members[3].seed, 13u);
  EXPECT_EQ(population.members[3].result.final_metrics.train_loss, alone.members[0].result.final_metrics.train_loss);
}

// What a recorded run keeps besides its series: the plan's source, histograms and weight
// snapshots of the first member at epochs 0, 1, 10, 100 and the last, the final weights and
// the checkpoint. The last snapshot is member 0 of the final weights.
TEST(Runner, RecordsSnapshotsHistogramsAndTheFinalWeights) {
  const char* mirror = R"(
seed: 3
replicates: 3
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 120, batch: full, order: fixed}
)";
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(parse_experiment(mirror, "mirror.yaml"), RunOptions{.store = &store});
  std::vector<std::string> names;
  for (const ArtefactInfo& artefact : store.list_artefacts(summary.run_id)) names.push_back(artefact.label.kind + "/" + artefact.label.name);
  for (const char* expected : {"source/plan", "weights/population-0", "checkpoint/population-0", "histograms/epoch-0", "histograms/epoch-1",
                               "histograms/epoch-10", "histograms/epoch-100", "histograms/epoch-120", "snapshot/epoch-0", "snapshot/epoch-120"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  EXPECT_EQ(std::find(names.begin(), names.end(), "snapshot/epoch-50"), names.end());

  const auto last = store.get_artefact(summary.run_id, ArtefactLabel{.member = 0, .kind = "snapshot", .name = "epoch-120", .epoch = 120});
  const auto final_weights = store.get_artefact(summary.run_id, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 120});
  ASSERT_TRUE(last && final_weights);
  const SafetensorsFile snapshot = parse_safetensors(last->content, "snapshot");
  const SafetensorsFile population = parse_safetensors(final_weights->content, "weights");
  ASSERT_EQ(snapshot.tensors.size(), population.tensors.size());
  for (std::size_t t = 0; t < snapshot.tensors.size(); ++t) {
    const Tensor& one = snapshot.tensors[t].value;
    const Tensor& all = population.tensors[t].value;  // [3, ...]
    ASSERT_EQ(one.size() * 3, all.size()) << snapshot.tensors[t].name;
    for (Index i = 0; i < one.size(); ++i) EXPECT_EQ(one[i], all.slice(0)[i]) << snapshot.tensors[t].name;
  }
}

// A pruned run stores each population's final masks beside its weights: one per weight (not
// the biases), [P, ...], 0 exactly where the stored final weight is 0, and round(rate ×
// remaining) pruned per round.
TEST(Runner, PrunedRunStoresTheFinalMasksBesideTheWeights) {
  const char* pruned = R"(
seed: 3
replicates: 2
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 8, activation: tanh}, {type: dense, units: 1, activation: sigmoid}]
loss: bce
optimizer: {type: adam, lr: 0.05}
train: {epochs: 5, batch: 8}
prune: {rounds: 2, rate: 0.3, output_rate: 0.25}
)";
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(parse_experiment(pruned, "mirror.yaml"), RunOptions{.store = &store});
  const auto masks = store.get_artefact(summary.run_id, ArtefactLabel{.member = std::nullopt, .kind = "prune_masks", .name = "population-0", .epoch = 15});
  const auto weights = store.get_artefact(summary.run_id, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 15});
  ASSERT_TRUE(masks && weights);
  const SafetensorsFile mask_file = parse_safetensors(masks->content, "masks");
  const SafetensorsFile weight_file = parse_safetensors(weights->content, "weights");
  ASSERT_EQ(mask_file.tensors.size(), 2u);
  EXPECT_EQ(mask_file.tensors[0].name, "layers.0.weight");
  EXPECT_EQ(mask_file.tensors[1].name, "layers.1.weight");
  // Hidden 48 → 48 − round(14.4) = 34 → 34 − round(10.2) = 24; output 8 → 6 → 6 − round(1.5) = 4.
  const Index expected_kept[] = {24, 4};
  for (std::size_t k = 0; k < 2; ++k) {
    const Tensor& mask = mask_file.tensors[k].value;
    const auto found = std::find_if(weight_file.tensors.begin(), weight_file.tensors.end(),
                                    [&](const NamedTensor& t) { return t.name == mask_file.tensors[k].name; });
    ASSERT_NE(found, weight_file.tensors.end());
    ASSERT_EQ(mask.shape(), found->value.shape());
    for (Index m = 0; m < 2; ++m) {
      Index kept = 0;
      for (Index i = 0; i < mask.slice_size(); ++i) {
        const float value = mask.slice(m)[i], weight = found->value.slice(m)[i];
        ASSERT_TRUE(value == 0.0f || value == 1.0f);
        EXPECT_EQ(value == 0.0f, weight == 0.0f) << k << " " << m << " " << i;
        kept += value == 1.0f;
      }
      EXPECT_EQ(kept, expected_kept[k]) << k << " " << m;
    }
  }
}

// A weight-normalised 6-2-1 mirror network trains, its files hold weight_g / weight_v, its
// histograms one entry per layer (v, not g), and the mirror-solution check, which reads plain
// weights, leaves it alone.
TEST(Runner, WeightNormMirrorNetworkTrainsAndRecordsGAndV) {
  const char* mirror = R"(
seed: 3
replicates: 2
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid, weight_norm: true}, {type: dense, units: 1, activation: sigmoid}]
loss: {type: sse, l2: 0.001}
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 40, batch: full, order: fixed}
)";
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(parse_experiment(mirror, "mirror.yaml"), RunOptions{.store = &store});
  ASSERT_EQ(summary.members.size(), 2u);
  for (const auto& member : summary.members) {
    EXPECT_FALSE(member.solution.has_value());
    EXPECT_LT(member.result.final_metrics.train_loss, member.result.history.front().train_loss);
  }
  const auto weights = store.get_artefact(summary.run_id, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 40});
  ASSERT_TRUE(weights);
  std::vector<std::string> names;
  for (const NamedTensor& tensor : parse_safetensors(weights->content, "weights").tensors) names.push_back(tensor.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"layers.0.bias", "layers.0.weight_g", "layers.0.weight_v", "layers.1.bias", "layers.1.weight"}));
  const auto histograms = store.get_artefact(summary.run_id, ArtefactLabel{.member = 0, .kind = "histograms", .name = "epoch-40", .epoch = 40});
  ASSERT_TRUE(histograms);
  const nlohmann::json document = nlohmann::json::parse(bytes_text(histograms->content));
  ASSERT_EQ(document.at("weights").size(), 2u);
  EXPECT_EQ(document.at("weights")[0].at("layer"), 0);
  EXPECT_EQ(document.at("weights")[1].at("layer"), 1);
}

TEST(Runner, SnapshotEpochsAreTheOnesAskedFor) {
  const char* mirror = R"(
replicates: 2
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 60, batch: 4, snapshot_epochs: [50, 3]}
)";
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(parse_experiment(mirror, "mirror.yaml"), RunOptions{.store = &store});
  std::vector<std::string> snapshots;
  for (const ArtefactInfo& artefact : store.list_artefacts(summary.run_id))
    if (artefact.label.kind == "snapshot" || artefact.label.kind == "histograms") snapshots.push_back(artefact.label.kind + "/" + artefact.label.name);
  std::sort(snapshots.begin(), snapshots.end());
  EXPECT_EQ(snapshots, (std::vector<std::string>{"histograms/epoch-3", "histograms/epoch-50", "snapshot/epoch-3", "snapshot/epoch-50"}));
}

// The histograms (and snapshots) of a sweep are those of each trial's first member, and of no other:
// two learning rates share a population, two activations make two, so members 0..7 are trials of two
// replicates each and members 0, 2, 4 and 6 are the firsts. 40 bins per layer, both layers.
TEST(Runner, HistogramsAreKeptForTheFirstMemberOfEachTrialOnly) {
  const char* mirror = R"(
replicates: 2
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 4, batch: full, order: fixed, snapshot_epochs: [0, 4]}
sweep:
  parameters:
    model.layers.0.activation: [sigmoid, tanh]
    optimizer.lr: [0.1, 0.5]
)";
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_plan(plan_experiment_text(mirror, "mirror.yaml"), RunOptions{.store = &store});
  ASSERT_EQ(summary.members.size(), 8u);
  std::map<Index, std::vector<Epoch>> histograms, snapshots;
  for (const ArtefactInfo& artefact : store.list_artefacts(summary.run_id)) {
    if (artefact.label.kind == "histograms") histograms[*artefact.label.member].push_back(*artefact.label.epoch);
    if (artefact.label.kind == "snapshot") snapshots[*artefact.label.member].push_back(*artefact.label.epoch);
  }
  for (auto* kept : {&histograms, &snapshots})
    for (auto& [member, epochs] : *kept) std::sort(epochs.begin(), epochs.end());
  const std::map<Index, std::vector<Epoch>> expected = {{0, {0, 4}}, {2, {0, 4}}, {4, {0, 4}}, {6, {0, 4}}};
  EXPECT_EQ(histograms, expected);
  EXPECT_EQ(snapshots, expected);
  for (const Index member : {0, 2, 4, 6}) {
    SCOPED_TRACE(member);
    EXPECT_EQ(summary.members[static_cast<std::size_t>(member)].trial, member / 2);  // the trial's first replicate
    const auto artefact = store.get_artefact(summary.run_id, ArtefactLabel{.member = member, .kind = "histograms", .name = "epoch-0", .epoch = 0});
    ASSERT_TRUE(artefact.has_value());
    const nlohmann::json document = nlohmann::json::parse(bytes_text(artefact->content));
    EXPECT_EQ(document.at("member"), member);
    ASSERT_EQ(document.at("activations").size(), 2u);
    for (const auto& layer : document.at("activations")) EXPECT_EQ(layer.at("counts").size(), 40u);
  }
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// PyTorch refuses batch norm on one value per channel in training ("Expected more than 1 value per
// channel when training"); nnlab says so before training, naming train.batch.
TEST(Runner, BatchNormRefusesATrainingBatchOfOneExample) {
  const std::string yaml = R"(
data: {train: mirror}
model: {layers: [{units: 4}, {type: batchnorm, activation: sigmoid}, {units: 1, activation: sigmoid}]}
loss: sse
train: {epochs: 2, batch: 16}
)";
  const auto error_of = [&](const std::string& batch) {
    try {
      run_experiment(parse_experiment(yaml, "bn.yaml", {"train.batch=" + batch}));  // no file: "<config>"
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_of("1"), "<config>: train.batch: 1 leaves a batch of 1 example (64 in all), but model.layers.1 (batchnorm) "
                           "needs more than 1 value per channel when training");
  EXPECT_EQ(error_of("7"), "<config>: train.batch: 7 leaves a batch of 1 example (64 in all), but model.layers.1 (batchnorm) "
                           "needs more than 1 value per channel when training");
  EXPECT_EQ(error_of("16"), "(no error)");
  EXPECT_EQ(error_of("full"), "(no error)");
}

}  // namespace
}  // namespace nnlab
