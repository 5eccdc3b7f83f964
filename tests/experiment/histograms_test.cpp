// The recorder's "histograms" artefact: at an asked epoch, the bins of the population's first
// member's weights (biases left out) and of its layer outputs on the probe rows, exactly as
// make_histogram bins that member's slices, under the run's member number.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/histogram.hpp"
#include "core/rng.hpp"
#include "experiment/recorder.hpp"
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

  RunRecorder recorder(store, run, 3, 2, 1, nullptr, {0, 5});
  recorder.on_train_begin(2, 5, 1);
  ASSERT_TRUE(recorder.wants_model(5));
  EXPECT_FALSE(recorder.wants_model(4));
  recorder.on_model(5, model);
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

}  // namespace
}  // namespace nnlab
