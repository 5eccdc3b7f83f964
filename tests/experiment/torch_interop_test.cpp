// Model files with batch and layer norm, and with weight-normalised conv2d and dense layers, against
// PyTorch (Debian's python3-torch, skipped when it is absent): torch's load_state_dict takes nnlab's
// file into an nn.Sequential with the same layers and computes nnlab's outputs, and nnlab loads
// torch's state dict (tests/experiment/torch_state_dict.py).
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

// command: load or save; net: the script's norm or weight_norm model.
int run_script(const std::string& command, const std::string& net, const std::filesystem::path& file,
               const std::filesystem::path& out) {
  return std::system(
      ("/usr/bin/python3 '" + script + "' " + command + " " + net + " '" + file.string() + "' '" + out.string() + "'").c_str());
}

// 3 → dense 5 → batchnorm (ReLU) → dense 4 → layernorm (tanh) → dense 2: torch's NormNet in the script.
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

// [1, 5, 5] → conv2d 3 filters 3x3 (weight norm, ReLU) → flatten → dense 4 (weight norm, tanh) →
// dense 2: torch's WeightNormNet.
Sequential<float> weight_normed_like_torchs() {
  ModelSpec spec{.inputs = 25, .input_shape = {1, 5, 5}, .layers = {}};
  spec.layers.push_back(LayerSpec{.kind = LayerKind::conv2d, .filters = 3, .kernel = {3, 3}, .stride = {1, 1}, .weight_norm = true});
  spec.layers.back().activation.kind = ActivationKind::relu;
  spec.layers.push_back(LayerSpec{.kind = LayerKind::flatten});
  spec.layers.push_back(LayerSpec{.kind = LayerKind::dense, .units = 4, .weight_norm = true});
  spec.layers.back().activation.kind = ActivationKind::tanh;
  spec.layers.push_back(LayerSpec{.kind = LayerKind::dense, .units = 2});
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{11};
  return Sequential<float>(specs, seeds, false);
}

// A few SGD steps on an MSE, so that weights (g and v too), biases and running statistics are all
// off their initial values.
void train_a_little(Sequential<float>& model) {
  Tensor x({1, 8, model.inputs()}), t({1, 8, 2});
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
}

// nnlab's evaluation output on the script's inputs against the script's outputs.
void expect_outputs_match(Sequential<float>& model, const std::filesystem::path& dump) {
  std::ifstream in(dump);
  const nlohmann::json contents = nlohmann::json::parse(in);
  const std::vector<float> inputs = contents.at("inputs").get<std::vector<float>>();
  const std::vector<double> expected = contents.at("outputs").get<std::vector<double>>();
  Tensor x({1, static_cast<Index>(inputs.size()) / model.inputs(), model.inputs()});
  std::copy(inputs.begin(), inputs.end(), x.data());
  const Tensor& y = model.forward(x, ForwardContext{.mode = Mode::eval});
  ASSERT_EQ(y.size(), static_cast<Index>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(y[static_cast<Index>(i)], expected[i], 1e-4 * std::max(1.0, std::abs(expected[i]))) << i;
}

TEST(TorchInterop, TorchLoadsNnlabsBatchNormModelFileWithLoadStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  Sequential<float> model = model_like_torchs();
  train_a_little(model);
  const testing::ScratchDirectory scratch;
  save_weights(model, scratch / "nnlab.safetensors");
  ASSERT_EQ(run_script("load", "norm", scratch / "nnlab.safetensors", scratch / "out.json"), 0);
  expect_outputs_match(model, scratch / "out.json");
}

TEST(TorchInterop, NnlabLoadsTorchsStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  const testing::ScratchDirectory scratch;
  ASSERT_EQ(run_script("save", "norm", scratch / "torch.safetensors", scratch / "out.json"), 0);
  Sequential<float> model = model_like_torchs();
  load_weights_into(model, scratch / "torch.safetensors");
  EXPECT_EQ(model.buffers()[2].value->data()[0], 4.0f) << "num_batches_tracked, stored by torch as I64";
  expect_outputs_match(model, scratch / "out.json");
}

// weight_g [out, 1] / [out, 1, 1, 1] and weight_v, as torch.nn.utils.weight_norm keeps them.
TEST(TorchInterop, TorchLoadsNnlabsWeightNormModelFileWithLoadStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  Sequential<float> model = weight_normed_like_torchs();
  train_a_little(model);
  const testing::ScratchDirectory scratch;
  save_weights(model, scratch / "nnlab.safetensors");
  ASSERT_EQ(run_script("load", "weight_norm", scratch / "nnlab.safetensors", scratch / "out.json"), 0);
  expect_outputs_match(model, scratch / "out.json");
}

TEST(TorchInterop, NnlabLoadsTorchsWeightNormStateDict) {
  if (!torch_available()) GTEST_SKIP() << "python3-torch is not installed";
  const testing::ScratchDirectory scratch;
  ASSERT_EQ(run_script("save", "weight_norm", scratch / "torch.safetensors", scratch / "out.json"), 0);
  Sequential<float> model = weight_normed_like_torchs();
  load_weights_into(model, scratch / "torch.safetensors");
  expect_outputs_match(model, scratch / "out.json");
}

}  // namespace
}  // namespace nnlab
