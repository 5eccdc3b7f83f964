// Work items trained concurrently in one process (experiment/item_threads.hpp): a population of
// small networks on two threads is cut into ranges that train side by side, and the run records
// exactly what one thread records — every member's summary, every metric series, the final
// weights — while populations outside the fused kernel, and resumed runs that began uncut, are
// left whole.
#include "experiment/item_threads.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/simd.hpp"
#include "core/threads.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"
#include "experiment/summary.hpp"
#include "experiment/work.hpp"
#include "store/store.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

// 6-H-1 sigmoid networks on the mirror task; by default two learning rates in one population.
std::string mirror_sweep(Index replicates, std::string_view swept = "optimizer.lr: [0.1, 0.5]") {
  return fmt::format(R"(
name: mirror-threads
seed: 5
replicates: {}
data: {{train: {{source: mirror, bits: 6}}}}
model:
  layers: [{{type: dense, units: 2, activation: sigmoid}}, {{type: dense, units: 1, activation: sigmoid}}]
  init: {{weight: {{uniform: 0.3}}, bias: {{uniform: 0.3}}}}
loss: sse
optimizer: {{type: sgd, lr: 0.1, momentum: 0.9}}
train: {{epochs: 80, batch: full, order: fixed, checkpoint_every: 30}}
sweep: {{parameters: {{{}}}}}
)",
                     replicates, swept);
}

// Enough members for a cut on two threads whatever the SIMD target (see RunBook).
Index cut_size() { return 2 * static_cast<Index>(simd_lanes(simd_target())) * 2; }

struct Recorded {
  RunSummary summary;
  std::vector<ArtefactInfo> artefacts;
  std::vector<std::string> metrics;
  std::vector<std::vector<MetricSeries>> series;  // [metric][member]
  std::vector<std::byte> weights;
};

Recorded run_on(int threads, const Plan& plan, const std::filesystem::path& file) {
  RunStore store(file);
  set_thread_count(threads);
  Recorded recorded{.summary = run_plan(plan, RunOptions{.store = &store})};
  set_thread_count(0);
  const RunId run = recorded.summary.run_id;
  recorded.artefacts = store.list_artefacts(run);
  recorded.metrics = store.list_metrics(run);
  for (const std::string& metric : recorded.metrics) {
    recorded.series.emplace_back();
    for (Index m = 0; m < plan.members(); ++m) recorded.series.back().push_back(store.read_series(run, m, metric));
  }
  const auto weights = store.get_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0",
                                                             .epoch = plan.trial_config(0).train.epochs});
  if (weights) recorded.weights = weights->content;
  return recorded;
}

bool has_work_artefact(const Recorded& recorded) {
  for (const ArtefactInfo& artefact : recorded.artefacts)
    if (artefact.label.kind == work_label().kind && artefact.label.name == work_label().name) return true;
  return false;
}

// Everything but the timings.
nlohmann::json members_of(const RunSummary& summary) {
  nlohmann::json document = nlohmann::json::parse(to_json(summary));
  for (nlohmann::json& member : document["members"]) member.erase("seconds");
  return {document["members"], document["trials"]};
}

void expect_same_record(const Recorded& one, const Recorded& two) {
  EXPECT_EQ(members_of(one.summary), members_of(two.summary));
  ASSERT_EQ(one.metrics, two.metrics);
  ASSERT_FALSE(one.metrics.empty());
  for (std::size_t k = 0; k < one.metrics.size(); ++k) {
    if (one.metrics[k].find("seconds") != std::string::npos) continue;  // timings
    for (std::size_t m = 0; m < one.series[k].size(); ++m) EXPECT_EQ(one.series[k][m], two.series[k][m]) << one.metrics[k] << " member " << m;
  }
  const auto loss = std::find(one.metrics.begin(), one.metrics.end(), "train_loss");
  ASSERT_NE(loss, one.metrics.end());
  EXPECT_EQ(one.series[static_cast<std::size_t>(loss - one.metrics.begin())].back().epochs.size(), 81u);  // epochs 0..80
  ASSERT_FALSE(one.weights.empty());
  EXPECT_EQ(one.weights, two.weights);
}

TEST(ItemThreads, ACutPopulationOnTwoThreadsRecordsWhatOneThreadRecords) {
  const Plan plan = plan_experiment_text(mirror_sweep(cut_size() / 2), "mirror.yaml");
  ASSERT_EQ(plan.populations.size(), 1u);
  {
    RunBook book(plan, RunOptions{}, 2, RunBook::Workers::threads);
    EXPECT_TRUE(book.concurrent());
    ASSERT_EQ(book.items().size(), 2u);
    EXPECT_EQ(book.items()[0].end, book.items()[1].begin);
  }
  const testing::ScratchDirectory dir;
  const Recorded one = run_on(1, plan, dir / "one.db");
  const Recorded two = run_on(2, plan, dir / "two.db");
  EXPECT_FALSE(has_work_artefact(one));
  EXPECT_TRUE(has_work_artefact(two));  // kept, so that a resume trains the same ranges
  expect_same_record(one, two);
  EXPECT_EQ(two.summary.members.size(), static_cast<std::size_t>(plan.members()));
  EXPECT_GT(two.summary.seconds, 0.0);
}

TEST(ItemThreads, SmallPopulationsStayWholeAndTrainSideBySide) {
  // Two structures: two populations, each too small to cut.
  const Plan plan = plan_experiment_text(mirror_sweep(3, "model.layers.0.units: [2, 3]"), "mirror.yaml");
  ASSERT_EQ(plan.populations.size(), 2u);
  {
    RunBook book(plan, RunOptions{}, 2, RunBook::Workers::threads);
    EXPECT_TRUE(book.concurrent());
    ASSERT_EQ(book.items().size(), 2u);
    EXPECT_TRUE(book.items()[0].whole() && book.items()[1].whole());
  }
  const testing::ScratchDirectory dir;
  const Recorded one = run_on(1, plan, dir / "one.db");
  const Recorded two = run_on(2, plan, dir / "two.db");
  EXPECT_FALSE(has_work_artefact(two));
  expect_same_record(one, two);
}

TEST(ItemThreads, PopulationsOutsideTheFusedKernelAreNeitherCutNorThreaded) {
  // cross_entropy takes the layered path: such a population threads inside its kernels.
  const Plan plan = plan_experiment_text(mirror_sweep(cut_size()), "mirror.yaml",
                                         {"loss=cross_entropy", "model.layers.1.units=2", "model.layers.1.activation=identity"});
  RunBook book(plan, RunOptions{}, 2, RunBook::Workers::threads);
  EXPECT_FALSE(book.concurrent());
  ASSERT_EQ(book.items().size(), 1u);
  EXPECT_TRUE(book.items()[0].whole());
  // MPI ranks cut it all the same.
  RunBook ranks(plan, RunOptions{}, 2, RunBook::Workers::processes);
  EXPECT_EQ(ranks.items().size(), 2u);
}

TEST(ItemThreads, AResumeKeepsTheCutTheRunBeganWith) {
  const Plan plan = plan_experiment_text(mirror_sweep(cut_size() / 2), "mirror.yaml");
  const testing::ScratchDirectory dir;
  RunStore store(dir / "runs.db");
  RunId uncut = 0, cut = 0;
  {
    RunBook book(plan, RunOptions{.store = &store}, 1, RunBook::Workers::threads);
    uncut = book.run();
    book.fail();
  }
  {
    RunBook book(plan, RunOptions{.store = &store}, 2, RunBook::Workers::threads);
    cut = book.run();
    book.fail();
  }
  {  // began whole: stays whole on two threads, so that its population checkpoint still fits
    RunBook book(plan, RunOptions{.store = &store, .resume = uncut}, 2, RunBook::Workers::threads);
    EXPECT_EQ(book.items().size(), 1u);
    EXPECT_FALSE(book.concurrent());
    book.fail();
  }
  {  // began cut: keeps its ranges on one thread (trained one after the other) and on two
    RunBook book(plan, RunOptions{.store = &store, .resume = cut}, 1, RunBook::Workers::threads);
    EXPECT_EQ(book.items().size(), 2u);
    EXPECT_FALSE(book.concurrent());
    book.fail();
  }
  RunBook book(plan, RunOptions{.store = &store, .resume = cut}, 2, RunBook::Workers::threads);
  EXPECT_EQ(book.items().size(), 2u);
  EXPECT_TRUE(book.concurrent());
  book.fail();
}

}  // namespace
}  // namespace nnlab
