// Model files with batch and layer norm against PyTorch (Debian's python3-torch, skipped when it is
// absent): torch's load_state_dict takes nnlab's file into an nn.Sequential with the same layers and
// computes nnlab's outputs, and nnlab loads torch's state dict (tests/experiment/torch_state_dict.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiment/weights_file.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

const std::string script = std::string(NNLAB_SOURCE_DIR) + "/tests/experiment/torch_state_dict.py";

bool torch_available() { return std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") == 0; }

int run_script(const std::string& command, const std::filesystem::path& file, const std::filesystem::path& out) {
  return std::system(("/usr/bin/python3 '" + script + "' " + command + " '" + file.string() + "' '" + out.string() + "'").c_str());
}

// 3 → dense 5 → batchnorm (ReLU) → dense 4 → layernorm (tanh) → dense 2: torch's Net in the script.
Sequential<float> model_like_torchs() {
  ModelSpec spec{.inputs = 3, .layers = {}};
  const auto add = [&](LayerKind kind, Index units, ActivationKind activation) {
    LayerSpec layer{.kind = kind, .units = units};
    layer.activation.kind = activation;
    spec.layers.push_back(layer);
  };
  add(LayerKind::dense, 5, ActivationKind::identity);
  add(LayerKind::batchnorm, 0, ActivationKind::relu);
  add(LayerKind::dense, 4, ActivationKind::identity);
  add(LayerKind::layernorm, 0, ActivationKind::tanh);
  add(LayerKind::dense, 2, ActivationKind::identity);
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{11};
  return Sequential<float>(specs, seeds, false);
}

// nnlab's evaluation output on the script's inputs against the script's outputs.
void expect_outputs_match(Sequential<float>& model, const std::filesystem::path& dump) {
  std::ifstream in(dump);
  const nlohmann::json contents = nlohmann::json::parse(in);
  const std::vector<float> inputs = contents.at("inputs").get<std::vector<float>>();
  const std::vector<double> expected = contents.at("outputs").get<std::vector<double>>();
  Tensor x({1, static_cast<Index>(inputs.size() / 3), 3});
  std::copy(inputs.begin(), inputs.end(), x.data());
  const Tensor& y = model.forward(x, ForwardContext{.mode = Mode::eval});
  ASSERT_EQ(y.size(), static_cast<Index>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(y[static_cast<Index>(i)], expected[i], 1e-4 * std::max(1.0, std::abs(expected[i]))) << i;
}

TEST(TorchInterop, TorchLoadsNnlabsBatchNormModelFileWithLoadStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  Sequential<float> model = model_like_torchs();
  // A few SGD steps, so that weights, biases and running statistics are all off their initial values.
  Tensor x({1, 8, 3}), t({1, 8, 2});
  for (Index i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7) % 11) * 0.3f - 1.2f;
  for (Index i = 0; i < t.size(); ++i) t[i] = static_cast<float>((i * 5) % 7) * 0.2f - 0.6f;
  const std::vector<LossSpec> losses{LossSpec{.kind = LossKind::mse}};
  const auto loss = make_loss<float>(losses);
  std::vector<double> value(1);
  for (int step = 0; step < 5; ++step) {
    model.forward_backward(x, *loss, Targets<float>{&t, {}}, value, ForwardContext{.mode = Mode::train, .step = step});
    for (auto& parameter : model.parameters())
      for (Index i = 0; i < parameter.value->size(); ++i) (*parameter.value)[i] -= 0.2f * (*parameter.grad)[i];
  }
  const testing::ScratchDirectory scratch;
  save_weights(model, scratch / "nnlab.safetensors");
  ASSERT_EQ(run_script("load", scratch / "nnlab.safetensors", scratch / "out.json"), 0);
  expect_outputs_match(model, scratch / "out.json");
}

TEST(TorchInterop, NnlabLoadsTorchsStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  const testing::ScratchDirectory scratch;
  ASSERT_EQ(run_script("save", scratch / "torch.safetensors", scratch / "out.json"), 0);
  Sequential<float> model = model_like_torchs();
  load_weights_into(model, scratch / "torch.safetensors");
  EXPECT_EQ(model.buffers()[2].value->data()[0], 4.0f) << "num_batches_tracked, stored by torch as I64";
  expect_outputs_match(model, scratch / "out.json");
}

}  // namespace
}  // namespace nnlab
