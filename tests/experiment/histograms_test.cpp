// The recorder's "histograms" artefact: at an asked epoch, the bins of the population's first
// member's weights (biases left out) and of its layer outputs on the probe rows, exactly as
// make_histogram bins that member's slices, under the run's member number.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/histogram.hpp"
#include "core/rng.hpp"
#include "store/store.hpp"
#include "experiment/recorder.hpp"
#include "io/safetensors.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

ModelSpec relu_tanh_net() {
  ModelSpec spec;
  spec.inputs = 3;
  LayerSpec hidden;
  hidden.units = 5;
  hidden.activation.kind = ActivationKind::relu;
  LayerSpec output;
  output.units = 2;
  output.activation.kind = ActivationKind::tanh;
  spec.layers = {hidden, output};
  return spec;
}

nlohmann::json expected_entry(std::size_t layer, std::span<const float> values) {
  const Histogram h = make_histogram(values, 40);
  return {{"layer", layer}, {"low", h.low}, {"high", h.high}, {"counts", h.counts}, {"nonfinite", h.nonfinite}};
}

TEST(RecorderHistograms, BinTheFirstMembersWeightsAndProbeOutputs) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(RunStart{.name = "h", .config_path = "h.yaml", .resolved_config = "name: h\n", .nnlab_version = "test",
                                             .config_git_commit = ""});
  // Members 3 and 4 of the run: the population's first member is run member 3.
  const std::vector<ModelSpec> specs(2, relu_tanh_net());
  const std::vector<std::uint64_t> seeds{11, 12};
  Sequential<float> model(specs, seeds, false);
  Tensor probe({1, 7, 3});
  CounterRng rng(3, RngPurpose::data);
  for (Index i = 0; i < probe.size(); ++i) probe[i] = static_cast<float>(rng.normal());
  model.forward(probe, ForwardContext{.mode = Mode::eval});

  RunRecorder recorder(store, run, 3, RecorderSetup{.layers = 2, .log_every = 1, .snapshot_epochs = {0, 5}}, nullptr);
  recorder.on_train_begin(2, 5, 1);
  ASSERT_TRUE(recorder.wants_model(5));
  EXPECT_FALSE(recorder.wants_model(4));
  recorder.on_model(5, model, {});
  recorder.flush();

  const auto artefact = store.get_artefact(run, ArtefactLabel{.member = 3, .kind = "histograms", .name = "epoch-5", .epoch = 5});
  ASSERT_TRUE(artefact.has_value());
  const std::string text = bytes_text(artefact->content);
  const nlohmann::json document = nlohmann::json::parse(text);
  EXPECT_EQ(document.at("epoch"), 5);
  EXPECT_EQ(document.at("member"), 3);

  nlohmann::json weights = nlohmann::json::array(), other_member = nlohmann::json::array();
  for (const auto& parameter : model.parameters()) {
    if (parameter.is_bias) continue;
    const auto count = static_cast<std::size_t>(parameter.value->slice_size());
    weights.push_back(expected_entry(static_cast<std::size_t>(parameter.layer_index), {parameter.value->slice(0), count}));
    other_member.push_back(expected_entry(static_cast<std::size_t>(parameter.layer_index), {parameter.value->slice(1), count}));
  }
  ASSERT_EQ(weights.size(), 2u);
  EXPECT_EQ(document.at("weights"), weights);
  EXPECT_NE(document.at("weights"), other_member);  // the seeds differ, so would the bins

  nlohmann::json activations = nlohmann::json::array();
  const auto outputs = model.layer_outputs();
  for (std::size_t layer = 0; layer < outputs.size(); ++layer) {
    ASSERT_EQ(outputs[layer]->dim(1), 7);  // the probe's rows, every one of them
    activations.push_back(expected_entry(layer, {outputs[layer]->slice(0), static_cast<std::size_t>(outputs[layer]->slice_size())}));
  }
  EXPECT_EQ(document.at("activations"), activations);
  std::int64_t binned = 0;
  for (const auto& count : document.at("activations")[0].at("counts")) binned += count.get<std::int64_t>();
  EXPECT_EQ(binned, 7 * 5);
}

// Each snapshot member (here both) gets its weights and the last step's change ΔW = W − W_start,
// in PyTorch names and shapes; without step_start there is no "update" artefact.
TEST(RecorderSnapshots, EverySnapshotMemberKeepsWeightsAndTheLastStepsChange) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(RunStart{.name = "u", .config_path = "u.yaml", .resolved_config = "name: u\n", .nnlab_version = "test",
                                             .config_git_commit = ""});
  const std::vector<ModelSpec> specs(2, relu_tanh_net());
  const std::vector<std::uint64_t> seeds{11, 12};
  Sequential<float> model(specs, seeds, false);
  // The step started from W − (0.25 · (i + 1)) for element i of every member's slice.
  std::vector<Tensor> step_start;
  for (const auto& parameter : model.parameters()) {
    Tensor start = *parameter.value;
    for (Index m = 0; m < start.dim(0); ++m)
      for (Index i = 0; i < start.slice_size(); ++i) start.slice(m)[i] -= 0.25f * static_cast<float>(i + 1);
    step_start.push_back(std::move(start));
  }
  RunRecorder recorder(store, run, 3, RecorderSetup{.layers = 2, .log_every = 1, .snapshot_epochs = {1, 2}, .snapshot_members = {0, 1}},
                       nullptr);
  recorder.on_train_begin(2, 2, 1);
  recorder.on_model(1, model, step_start);
  recorder.on_model(2, model, {});
  recorder.flush();

  for (const Index run_member : {3, 4}) {
    const auto update = store.get_artefact(run, ArtefactLabel{.member = run_member, .kind = "update", .name = "epoch-1", .epoch = 1});
    ASSERT_TRUE(update.has_value()) << "member " << run_member;
    const SafetensorsFile file = parse_safetensors(update->content, "update");
    ASSERT_EQ(file.tensors.size(), 4u);
    for (const NamedTensor& tensor : file.tensors) {
      EXPECT_TRUE(tensor.name.starts_with("layers.")) << tensor.name;
      for (Index i = 0; i < tensor.value.size(); ++i) {
        // W − (W − 0.25 (i + 1)) in float: exact to a rounding of W.
        EXPECT_NEAR(tensor.value[i], 0.25f * static_cast<float>(i + 1), 1e-5f * static_cast<float>(i + 1)) << tensor.name << "[" << i << "]";
      }
    }
    EXPECT_TRUE(store.get_artefact(run, ArtefactLabel{.member = run_member, .kind = "snapshot", .name = "epoch-2", .epoch = 2}).has_value());
    EXPECT_FALSE(store.get_artefact(run, ArtefactLabel{.member = run_member, .kind = "update", .name = "epoch-2", .epoch = 2}).has_value());
  }
  const auto weights = parse_safetensors(
      store.get_artefact(run, ArtefactLabel{.member = 4, .kind = "snapshot", .name = "epoch-1", .epoch = 1})->content, "snapshot");
  ASSERT_EQ(weights.tensors.front().name, "layers.0.weight");
  EXPECT_EQ(weights.tensors.front().value.shape(), (Shape{5, 3}));
  EXPECT_EQ(weights.tensors.front().value[0], model.parameters().front().value->slice(1)[0]);  // member 1's, not member 0's
}

}  // namespace
}  // namespace nnlab
