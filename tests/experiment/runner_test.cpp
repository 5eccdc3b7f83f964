// The runner end to end on real data: a Fashion-MNIST subset learns, and the result is
// bit-identical with 1 and 2 threads (GEMM threading included).
#include "experiment/runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/threads.hpp"
#include "data/named.hpp"
#include "io/safetensors.hpp"

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

TEST(Runner, SameSeedBitIdenticalWithOneAndTwoThreads) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // Wide enough layers that OpenBLAS really splits the products over threads.
  const ExperimentConfig config = parse_experiment(subset_experiment, "subset.yaml",
                                                   {"train.epochs=1", "model.layers.0.units=512", "replicates=2"});
  const auto dir = std::filesystem::temp_directory_path();
  const auto one_file = dir / "nnlab_threads_1.safetensors", two_file = dir / "nnlab_threads_2.safetensors";
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
  std::filesystem::remove(one_file);
  std::filesystem::remove(two_file);
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

}  // namespace
}  // namespace nnlab
