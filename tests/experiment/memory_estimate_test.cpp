// The memory estimate against bytes computed by hand for tiny networks, the optimiser buffer
// table, sizes beyond 2^63, and the parsing of --max-memory and /proc/meminfo.
#include "experiment/memory_estimate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "experiment/memory_limit.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

// 2-3-1 with biases: 2*3 + 3 + 3*1 + 1 = 13 parameters, 4 units.
ModelSpec tiny() {
  ModelSpec model{.inputs = 2, .layers = {}};
  model.layers.push_back(LayerSpec{.units = 3});
  model.layers.push_back(LayerSpec{.units = 1});
  return model;
}

OptimizerOptions options(OptimizerKind kind) {
  OptimizerOptions o = defaults_for(kind);
  return o;
}

TEST(MemoryEstimate, OptimizerBuffersFollowTheUpdateRules) {
  OptimizerOptions sgd = options(OptimizerKind::sgd);
  EXPECT_EQ(optimizer_buffer_count(sgd), 0);
  sgd.momentum = 0.9;
  EXPECT_EQ(optimizer_buffer_count(sgd), 1);
  OptimizerOptions adam = options(OptimizerKind::adam);
  EXPECT_EQ(optimizer_buffer_count(adam), 2);
  adam.amsgrad = true;
  EXPECT_EQ(optimizer_buffer_count(adam), 3);
  EXPECT_EQ(optimizer_buffer_count(options(OptimizerKind::adamw)), 2);
  EXPECT_EQ(optimizer_buffer_count(options(OptimizerKind::radam)), 2);
  OptimizerOptions rmsprop = options(OptimizerKind::rmsprop);
  EXPECT_EQ(optimizer_buffer_count(rmsprop), 1);
  rmsprop.momentum = 0.5;
  EXPECT_EQ(optimizer_buffer_count(rmsprop), 2);
  rmsprop.centered = true;
  EXPECT_EQ(optimizer_buffer_count(rmsprop), 3);
  EXPECT_EQ(optimizer_buffer_count(options(OptimizerKind::adagrad)), 1);
  EXPECT_EQ(optimizer_buffer_count(options(OptimizerKind::adadelta)), 2);
}

TEST(MemoryEstimate, FullBatchSharedInputsByHand) {
  EXPECT_EQ(parameters_per_member(tiny()), 13);
  // P = 10, sgd with momentum (1 buffer), 4 examples in one shared batch, nothing evaluated.
  const MemoryEstimate e = estimate_population_memory(PopulationShape{
      .model = tiny(), .members = 10, .optimizer_buffers = 1, .examples = 4, .batch = 0, .shared_inputs = true, .evaluated_examples = 0,
      .recorded = false});
  EXPECT_EQ(e.parameters, 13.0 * (2 + 1) * 10 * 4);  // 1,560
  EXPECT_EQ(e.activations, 4.0 * (2 * 4 + 2 * 4) * 10 * 4);  // units x (2 x rows + 2 x B) x P x 4 = 2,560
  EXPECT_EQ(e.batches, 2 * (1.0 * 4 * (2 + 1 + 1) * 4));  // Q x B x (features + outputs + label) x 4, and the 4-row probe: 128
  EXPECT_EQ(e.records, 10.0 * (2048 + 768 * 2));      // 35,840
  EXPECT_EQ(e.data, 0);
  EXPECT_EQ(e.total(), 1560 + 2560 + 128 + 35840);
}

TEST(MemoryEstimate, MiniBatchPerMemberInputsAndEvaluationByHand) {
  // P = 2, adam with amsgrad (3 buffers), batch 10 of 1,000 examples gathered per member,
  // evaluation over 1,000 rows in one chunk (64 Mi / (2 x 1024) = 32,768 rows allowed), recorded.
  const MemoryEstimate e = estimate_population_memory(PopulationShape{
      .model = tiny(), .members = 2, .optimizer_buffers = 3, .examples = 1000, .batch = 10, .shared_inputs = false,
      .evaluated_examples = 1000, .recorded = true});
  EXPECT_EQ(e.parameters, 13.0 * 5 * 2 * 4);                           // 520
  EXPECT_EQ(e.activations, 4.0 * (2 * 1000 + 2 * 10) * 2 * 4);        // forward rows = the evaluation chunk: 64,640
  EXPECT_EQ(e.batches, 2.0 * 10 * 16 + 1000.0 * 16 + 1000.0 * 16);    // batch, chunk, probe: 32,320
  EXPECT_EQ(e.records, 2.0 * (2048 + 768 * 2) + 2.0 * (4096 + 4096 * 2));  // 31,744
}

TEST(MemoryEstimate, EvaluationChunkFollowsTheLayersNotThePopulation) {
  // evaluate() forwards 4,096 rows at a time for layers of at most 256 units (4 Mi floats), at
  // any population size, so the layers hold 4,096 rows (more than the probe's 1,000).
  for (const double members : {10.0, 10'000.0}) {
    const MemoryEstimate e = estimate_population_memory(PopulationShape{
        .model = tiny(), .members = members, .optimizer_buffers = 0, .examples = 100'000, .batch = 10, .shared_inputs = true,
        .evaluated_examples = 100'000, .recorded = false});
    EXPECT_EQ(e.activations, 4.0 * (2 * 4096 + 2 * 10) * members * 4);
    EXPECT_EQ(e.batches, 10.0 * 16 + 4096.0 * 16 + 1000.0 * 16);
  }
  // A 10,000-unit layer: 4 Mi / 10^4 -> 256 rows (halving from 4,096), below the probe's 1,000.
  ModelSpec wide = tiny();
  wide.layers[0].units = 10'000;
  const MemoryEstimate e = estimate_population_memory(PopulationShape{
      .model = wide, .members = 2, .optimizer_buffers = 0, .examples = 100'000, .batch = 10, .shared_inputs = true,
      .evaluated_examples = 100'000, .recorded = false});
  EXPECT_EQ(e.activations, 10'001.0 * (2 * 1000 + 2 * 10) * 2 * 4);
  EXPECT_EQ(e.batches, 10.0 * 16 + 256.0 * 16 + 1000.0 * 16);
}

TEST(MemoryEstimate, HugeSizesDoNotOverflow) {
  ModelSpec wide = tiny();
  wide.layers[0].units = 1'000'000'000;
  const MemoryEstimate e = estimate_population_memory(PopulationShape{
      .model = wide, .members = 1e8, .optimizer_buffers = 2, .examples = 4, .batch = 0, .shared_inputs = true, .evaluated_examples = 0,
      .recorded = true});
  EXPECT_TRUE(std::isfinite(e.total()));
  EXPECT_GT(e.parameters, 4e9 * 4 * 1e8 * 4 * 0.99);  // ~4e9 parameters x 4 floats x 10^8 members
}

TEST(MemoryEstimate, FormatsBytesInPowersOf1024) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(3.1 * 1024.0 * 1024 * 1024 * 1024), "3.1 TiB");
  EXPECT_EQ(format_bytes(1e40).substr(format_bytes(1e40).size() - 3), "EiB");
}

TEST(MemoryLimit, ParsesSizes) {
  EXPECT_EQ(parse_memory_size("2000000000"), 2e9);
  EXPECT_EQ(parse_memory_size("8G"), 8.0 * (1 << 30));
  EXPECT_EQ(parse_memory_size("512M"), 512.0 * (1 << 20));
  EXPECT_EQ(parse_memory_size("1k"), 1024.0);
  EXPECT_EQ(parse_memory_size("1.5K"), 1536.0);
  EXPECT_EQ(parse_memory_size("8GiB"), 8.0 * (1 << 30));
  EXPECT_EQ(parse_memory_size("2TB"), 2.0 * 1024 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("100B"), 100.0);
  for (const char* bad : {"", "abc", "-1G", "+1G", "1X", "0", "0.5", "1e9", "inf", "nan", "G", "1 G", "1GG", "1.2.3"})
    EXPECT_FALSE(parse_memory_size(bad)) << bad;
  EXPECT_THROW((void)memory_limit("12Q"), InputError);
  EXPECT_EQ(memory_limit("1G")->bytes, 1024.0 * 1024 * 1024);
  EXPECT_TRUE(memory_limit("1G")->from_flag);
}

TEST(MemoryLimit, ReadsMemAvailable) {
  testing::ScratchDirectory scratch;
  std::ofstream(scratch / "meminfo") << "MemTotal:       24683652 kB\nMemFree:  1000 kB\nMemAvailable:   21819440 kB\n";
  EXPECT_EQ(available_memory((scratch / "meminfo").string()), 21819440.0 * 1024);
  std::ofstream(scratch / "old") << "MemTotal:       24683652 kB\n";
  EXPECT_FALSE(available_memory((scratch / "old").string()));
  EXPECT_FALSE(available_memory((scratch / "missing").string()));
}

TEST(MemoryLimit, RefusalNamesPopulationEstimateAndLimit) {
  const std::vector<PopulationMemory> estimates{
      PopulationMemory{.population = 0, .description = "small", .estimate = MemoryEstimate{.parameters = 100}},
      PopulationMemory{.population = 1, .description = "2-1000-1 relu/identity, batch full, 3 epochs",
                       .estimate = MemoryEstimate{.parameters = 3.0 * 1024 * 1024 * 1024}}};
  EXPECT_NO_THROW(check_plan_memory("x.yaml", estimates, MemoryLimit{.bytes = 4.0 * 1024 * 1024 * 1024, .from_flag = true}));
  try {
    check_plan_memory("x.yaml", estimates, MemoryLimit{.bytes = 1024.0 * 1024 * 1024, .from_flag = false});
    FAIL() << "no refusal";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "x.yaml: population 1 (2-1000-1 relu/identity, batch full, 3 epochs): needs about 3.0 GiB, more than the 1.0 GiB available "
              "(--max-memory to set the limit, --force to try anyway)");
  }
}

}  // namespace
}  // namespace nnlab
