// conv2d, maxpool2d, avgpool2d and flatten: against PyTorch (tests/nn/golden_conv.py, float64),
// by finite differences, for shared and per-member inputs, and a small CNN trained 25 SGD steps
// from PyTorch's initial weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "golden_conv.hpp"
#include "gradient_check.hpp"
#include "nn/conv2d.hpp"
#include "nn/flatten.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/model.hpp"
#include "nn/pooling.hpp"

namespace nnlab {
namespace {

using testing::check_layer_gradients;
using testing::random_tensor;

// |a − b| <= 1e-10 · (1 + |b|) element by element (float64 both sides; the sums' orders differ).
void expect_close(const TensorD& actual, const std::vector<double>& expected, const char* what, double tolerance = 1e-10) {
  ASSERT_EQ(static_cast<std::size_t>(actual.size()), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    ASSERT_NEAR(actual[static_cast<Index>(i)], expected[i], tolerance * (1 + std::abs(expected[i]))) << what << " [" << i << "]";
}

TensorD tensor_of(const Shape& shape, const std::vector<double>& values) {
  TensorD tensor(shape);
  std::copy(values.begin(), values.end(), tensor.data());
  return tensor;
}

struct ConvCase {
  Conv2dGeometry geometry;
  bool bias;
  const std::vector<double>&x, &w, &y, &dy, &dx, &dw;
  const std::vector<double>* b;
  const std::vector<double>* db;
};

void check_against_torch(const ConvCase& c, Index batch) {
  const Conv2dGeometry& g = c.geometry;
  Conv2d<double> conv(1, g, c.bias, 0);
  std::copy(c.w.begin(), c.w.end(), conv.weight().data());
  if (c.bias) std::copy(c.b->begin(), c.b->end(), conv.bias().data());
  const TensorD x = tensor_of({1, batch, g.inputs()}, c.x);
  expect_close(conv.forward(x, {}), c.y, "y");
  for (const auto& parameter : conv.parameters()) parameter.grad->zero();
  const TensorD& dx = conv.backward(tensor_of({1, batch, g.outputs()}, c.dy), true);
  expect_close(dx, c.dx, "dx");
  expect_close(*conv.parameters()[0].grad, c.dw, "dw");
  if (c.bias) expect_close(*conv.parameters()[1].grad, *c.db, "db");
}

TEST(Conv2d, MatchesPyTorchWithStridePaddingAndAnAsymmetricKernel) {
  using namespace golden_conv;
  check_against_torch({{.channels = 2, .height = 5, .width = 6, .filters = 3, .kernel = {3, 2}, .stride = {1, 2}, .padding = {1, 0}},
                       true, conv_a_x, conv_a_w, conv_a_y, conv_a_dy, conv_a_dx, conv_a_dw, &conv_a_b, &conv_a_db},
                      2);
  check_against_torch({{.channels = 1, .height = 4, .width = 4, .filters = 2, .kernel = {3, 3}, .stride = {1, 1}, .padding = {1, 1}},
                       false, conv_b_x, conv_b_w, conv_b_y, conv_b_dy, conv_b_dx, conv_b_dw, nullptr, nullptr},
                      2);
}

TEST(Conv2d, GradientsMatchFiniteDifferencesForSharedAndOwnInputs) {
  const Conv2dGeometry g{.channels = 2, .height = 5, .width = 4, .filters = 3, .kernel = {2, 3}, .stride = {2, 1}, .padding = {1, 1}};
  Conv2d<double> conv(2, g, true, 0);
  for (const auto& parameter : conv.parameters()) *parameter.value = random_tensor(parameter.value->shape(), 11);
  TensorD own = random_tensor({2, 3, g.inputs()}, 12);
  check_layer_gradients(conv, own);
  TensorD shared = random_tensor({1, 3, g.inputs()}, 13);
  check_layer_gradients(conv, shared);
}

// A batch of 40 large examples runs in two chunks (the column matrix is bounded); member 1 of
// P = 3 gets exactly the floats it gets alone, forward and backward.
TEST(Conv2d, ChunksAndPopulationsLeaveEachMembersFloatsAlone) {
  const Conv2dGeometry g{.channels = 3, .height = 30, .width = 30, .filters = 4, .kernel = {5, 5}, .stride = {1, 1}, .padding = {2, 2}};
  Conv2d<float> together(3, g, true, 0), alone(1, g, true, 0);
  for (const auto& parameter : together.parameters())
    for (Index i = 0; i < parameter.value->size(); ++i) (*parameter.value)[i] = std::sin(0.37f * static_cast<float>(i));
  for (std::size_t p = 0; p < 2; ++p) {
    const Tensor& from = *together.parameters()[p].value;
    std::copy_n(from.slice(1), from.slice_size(), alone.parameters()[p].value->data());
  }
  Tensor input({3, 40, g.inputs()});
  for (Index i = 0; i < input.size(); ++i) input[i] = std::cos(0.11f * static_cast<float>(i));
  Tensor single({1, 40, g.inputs()});
  std::copy_n(input.slice(1), input.slice_size(), single.data());
  const Tensor& y3 = together.forward(input, {});
  const Tensor& y1 = alone.forward(single, {});
  EXPECT_EQ(std::memcmp(y3.slice(1), y1.data(), static_cast<std::size_t>(y1.size()) * sizeof(float)), 0);
  Tensor dy({3, 40, g.outputs()});
  for (Index i = 0; i < dy.size(); ++i) dy[i] = std::sin(0.05f * static_cast<float>(i));
  Tensor dy1({1, 40, g.outputs()});
  std::copy_n(dy.slice(1), dy.slice_size(), dy1.data());
  for (auto* layer : {&together, &alone})
    for (const auto& parameter : layer->parameters()) parameter.grad->zero();
  const Tensor& dx3 = together.backward(dy, true);
  const Tensor& dx1 = alone.backward(dy1, true);
  EXPECT_EQ(std::memcmp(dx3.slice(1), dx1.data(), static_cast<std::size_t>(dx1.size()) * sizeof(float)), 0);
  for (std::size_t p = 0; p < 2; ++p) {
    const Tensor& g3 = *together.parameters()[p].grad;
    const Tensor& g1 = *alone.parameters()[p].grad;
    EXPECT_EQ(std::memcmp(g3.slice(1), g1.data(), static_cast<std::size_t>(g1.size()) * sizeof(float)), 0) << p;
  }
}

void check_pool_against_torch(PoolMode mode, const PoolGeometry& g, const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<double>& dy, const std::vector<double>& dx) {
  Pool2d<double> pool(1, mode, g, 0);
  const Index batch = static_cast<Index>(x.size()) / g.inputs();
  expect_close(pool.forward(tensor_of({1, batch, g.inputs()}, x), {}), y, "y");
  expect_close(pool.backward(tensor_of({1, batch, g.outputs()}, dy), true), dx, "dx");
}

TEST(Pool2d, MaxAndAverageMatchPyTorch) {
  using namespace golden_conv;
  check_pool_against_torch(PoolMode::max, {.channels = 2, .height = 5, .width = 5, .window = {2, 2}, .stride = {2, 2}}, maxpool_x,
                           maxpool_y, maxpool_dy, maxpool_dx);
  check_pool_against_torch(PoolMode::average, {.channels = 2, .height = 7, .width = 7, .window = {3, 3}, .stride = {2, 2}},
                           avgpool_x, avgpool_y, avgpool_dy, avgpool_dx);
}

TEST(Pool2d, GradientsMatchFiniteDifferences) {
  for (const PoolMode mode : {PoolMode::max, PoolMode::average}) {
    Pool2d<double> pool(2, mode, {.channels = 3, .height = 6, .width = 5, .window = {3, 2}, .stride = {2, 1}}, 0);
    TensorD own = random_tensor({2, 2, 90}, 21);
    check_layer_gradients(pool, own);
    TensorD shared = random_tensor({1, 2, 90}, 22);
    check_layer_gradients(pool, shared);
  }
}

TEST(Pool2d, MaxPropagatesNaNAndRejectsAWindowLargerThanItsInput) {
  Pool2d<float> pool(1, PoolMode::max, {.channels = 1, .height = 2, .width = 2, .window = {2, 2}, .stride = {2, 2}}, 0);
  const Tensor& y = pool.forward(Tensor({1, 1, 4}, {1.0f, NAN, 3.0f, 2.0f}), {});
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_THROW(Pool2d<float>(1, PoolMode::max, {.channels = 1, .height = 2, .width = 2, .window = {3, 3}, .stride = {3, 3}}, 0),
               std::invalid_argument);
  EXPECT_THROW(Conv2d<float>(1, {.channels = 1, .height = 2, .width = 2, .filters = 1, .kernel = {3, 3}}, true, 0),
               std::invalid_argument);
}

ModelSpec small_cnn() {
  ModelSpec spec;
  spec.inputs = 64;
  spec.input_shape = {1, 8, 8};
  spec.layers = {LayerSpec{.kind = LayerKind::conv2d, .filters = 4, .kernel = {3, 3}, .stride = {1, 1}},
                 LayerSpec{.kind = LayerKind::maxpool2d, .kernel = {2, 2}, .stride = {2, 2}},
                 LayerSpec{.kind = LayerKind::flatten}, LayerSpec{.kind = LayerKind::dense, .units = 3}};
  spec.layers[0].activation.kind = ActivationKind::relu;
  return spec;
}

// golden_conv.py's training: 25 full-batch SGD steps (lr 0.1) on the cross-entropy of
// train_labels, the update written out here; returns the evaluation loss after them.
double train_like_golden(Sequential<float>& model, const Tensor& inputs) {
  const std::vector<std::int32_t> labels(golden_conv::train_labels.begin(), golden_conv::train_labels.end());
  Tensor one_hot({1, 8, 3});
  for (std::size_t b = 0; b < labels.size(); ++b) one_hot[static_cast<Index>(b * 3) + labels[b]] = 1.0f;
  const auto loss = make_loss<float>(std::vector<LossSpec>{LossSpec{.kind = LossKind::cross_entropy}});
  std::vector<double> value(1);
  for (int step = 0; step < 25; ++step) {
    model.forward_backward(inputs, *loss, Targets<float>{&one_hot, labels}, value, ForwardContext{.mode = Mode::train, .step = step});
    for (const auto& parameter : model.parameters())
      for (Index i = 0; i < parameter.value->size(); ++i) (*parameter.value)[i] -= 0.1f * (*parameter.grad)[i];
  }
  loss->evaluate(model.forward(inputs, ForwardContext{.mode = Mode::eval}), Targets<float>{&one_hot, labels}, value, nullptr);
  return value[0];
}

// PyTorch's nn.Sequential(Conv2d(1, 4, 3), ReLU, MaxPool2d(2), Flatten, Linear(36, 3)) from the
// same initial weights, 25 full-batch SGD steps (lr 0.1) on cross-entropy, in float here: every
// weight and the final loss within 2e-3.
TEST(Conv2d, SmallCnnTrainsLikePyTorchFor25Steps) {
  using namespace golden_conv;
  const std::vector<ModelSpec> specs{small_cnn()};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<float> model(specs, seeds, false);
  const std::vector<const std::vector<double>*> initial{&initial_0_weight, &initial_0_bias, &initial_4_weight, &initial_4_bias};
  const std::vector<const std::vector<double>*> final_values{&final_0_weight, &final_0_bias, &final_4_weight, &final_4_bias};
  const std::vector<ParameterRef<float>> parameters = model.parameters();
  ASSERT_EQ(parameters.size(), 4u);
  EXPECT_EQ(parameters[2].name, "layers.3.weight");
  for (std::size_t p = 0; p < 4; ++p) {
    ASSERT_EQ(static_cast<std::size_t>(parameters[p].value->size()), initial[p]->size()) << parameters[p].name;
    std::transform(initial[p]->begin(), initial[p]->end(), parameters[p].value->data(), [](double v) { return static_cast<float>(v); });
  }
  Tensor inputs({1, 8, 64});
  std::transform(train_x.begin(), train_x.end(), inputs.data(), [](double v) { return static_cast<float>(v); });
  EXPECT_NEAR(train_like_golden(model, inputs), final_loss[0], 2e-3);
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t i = 0; i < final_values[p]->size(); ++i)
      ASSERT_NEAR((*parameters[p].value)[static_cast<Index>(i)], (*final_values[p])[i], 2e-3) << parameters[p].name << " [" << i << "]";
}

// PyTorch's Sequential(Conv2d(1, 3, 3, bias=False), BatchNorm2d(3), ReLU, MaxPool2d(2), Dropout
// (in eval mode: the identity, as nnlab's at rate 0), Flatten, Linear(27, 3)) from the same weights,
// 25 full-batch SGD steps (lr 0.1) on cross-entropy: every weight, the running statistics and the
// evaluation loss within 2e-3.
TEST(Conv2d, ConvBatchNormDropoutNetTrainsLikePyTorchFor25Steps) {
  using namespace golden_conv;
  ModelSpec spec;
  spec.inputs = 64;
  spec.input_shape = {1, 8, 8};
  spec.layers = {LayerSpec{.kind = LayerKind::conv2d, .filters = 3, .kernel = {3, 3}, .stride = {1, 1}, .bias = false},
                 LayerSpec{.kind = LayerKind::batchnorm},
                 LayerSpec{.kind = LayerKind::maxpool2d, .kernel = {2, 2}, .stride = {2, 2}},
                 LayerSpec{.kind = LayerKind::dropout, .rate = 0.0},
                 LayerSpec{.kind = LayerKind::flatten},
                 LayerSpec{.kind = LayerKind::dense, .units = 3}};
  spec.layers[1].activation.kind = ActivationKind::relu;
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<float> model(specs, seeds, false);
  const std::vector<ParameterRef<float>> parameters = model.parameters();
  const std::vector<BufferRef<float>> buffers = model.buffers();
  ASSERT_EQ(parameters.size(), 5u);
  ASSERT_EQ(buffers.size(), 3u);
  std::vector<Tensor*> tensors;
  for (const auto& parameter : parameters) tensors.push_back(parameter.value);
  tensors.push_back(buffers[0].value);
  tensors.push_back(buffers[1].value);
  const std::vector<const std::vector<double>*> initial{&bn_initial_0_weight, &bn_initial_1_weight, &bn_initial_1_bias,
                                                        &bn_initial_6_weight, &bn_initial_6_bias, &bn_initial_1_running_mean,
                                                        &bn_initial_1_running_var};
  const std::vector<const std::vector<double>*> final_values{&bn_final_0_weight, &bn_final_1_weight, &bn_final_1_bias,
                                                             &bn_final_6_weight, &bn_final_6_bias, &bn_final_1_running_mean,
                                                             &bn_final_1_running_var};
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    ASSERT_EQ(static_cast<std::size_t>(tensors[t]->size()), initial[t]->size()) << t;
    std::transform(initial[t]->begin(), initial[t]->end(), tensors[t]->data(), [](double v) { return static_cast<float>(v); });
  }
  Tensor inputs({1, 8, 64});
  std::transform(bn_train_x.begin(), bn_train_x.end(), inputs.data(), [](double v) { return static_cast<float>(v); });
  EXPECT_NEAR(train_like_golden(model, inputs), bn_final_loss[0], 2e-3);
  for (std::size_t t = 0; t < tensors.size(); ++t)
    for (std::size_t i = 0; i < final_values[t]->size(); ++i)
      ASSERT_NEAR((*tensors[t])[static_cast<Index>(i)], (*final_values[t])[i], 2e-3) << "tensor " << t << " [" << i << "]";
  EXPECT_EQ((*buffers[2].value)[0], 25.0f);  // num_batches_tracked
}

// Keras' MNIST CNN (the lecture's): 1,199,882 parameters with valid padding.
TEST(Conv2d, KerasMnistCnnHasItsParameterCountAndShapes) {
  ModelSpec spec;
  spec.inputs = 784;
  spec.input_shape = {1, 28, 28};
  spec.layers = {LayerSpec{.kind = LayerKind::conv2d, .filters = 32, .kernel = {3, 3}, .stride = {1, 1}},
                 LayerSpec{.kind = LayerKind::conv2d, .filters = 64, .kernel = {3, 3}, .stride = {1, 1}},
                 LayerSpec{.kind = LayerKind::maxpool2d, .kernel = {2, 2}, .stride = {2, 2}},
                 LayerSpec{.kind = LayerKind::dropout, .rate = 0.25},
                 LayerSpec{.kind = LayerKind::flatten},
                 LayerSpec{.kind = LayerKind::dense, .units = 128},
                 LayerSpec{.kind = LayerKind::dropout, .rate = 0.5},
                 LayerSpec{.kind = LayerKind::dense, .units = 10}};
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  const Sequential<float> model(specs, seeds, false);
  EXPECT_EQ(model.parameter_count(), 1'199'882);
  const ModelSpec& resolved = model.specs().front();
  EXPECT_EQ(resolved.layers[1].shape, (Shape{64, 24, 24}));
  EXPECT_EQ(resolved.layers[4].shape, (Shape{9216}));
  EXPECT_NE(model.summary().find("(None, 64, 12, 12)"), std::string::npos) << model.summary();
}

// conv2d -> batchnorm (per channel over the batch and H·W, as BatchNorm2d) -> relu -> avgpool ->
// flatten -> dense: 2 parameters per channel, and the whole model's gradient by finite differences.
TEST(Conv2d, BatchNormAfterAConvolutionIsPerChannel) {
  ModelSpec spec;
  spec.inputs = 2 * 6 * 6;
  spec.input_shape = {2, 6, 6};
  spec.layers = {LayerSpec{.kind = LayerKind::conv2d, .filters = 3, .kernel = {3, 3}, .stride = {1, 1}},
                 LayerSpec{.kind = LayerKind::batchnorm},
                 LayerSpec{.kind = LayerKind::avgpool2d, .kernel = {2, 2}, .stride = {2, 2}},
                 LayerSpec{.kind = LayerKind::flatten}, LayerSpec{.kind = LayerKind::dense, .units = 2}};
  spec.layers[0].bias = false;  // batch norm removes a bias's effect: its gradient is exactly 0
  spec.layers[1].activation.kind = ActivationKind::tanh;
  ModelSpec other = spec;
  other.layers[1].momentum = 0.5;
  const std::vector<ModelSpec> specs{spec, other};
  const std::vector<std::uint64_t> seeds{3, 4};
  Sequential<double> model(specs, seeds, false);
  EXPECT_EQ(model.parameter_count(), 3 * 2 * 9 + 2 * 3 + (2 * 12 + 2));
  EXPECT_EQ(model.specs().front().layers[1].shape, (Shape{3, 4, 4}));
  testing::check_model_gradients(model, random_tensor({1, 5, 72}, 31));
  testing::check_model_gradients(model, random_tensor({2, 5, 72}, 32));
}

TEST(Conv2d, ShapeErrorsNameTheLayerKey) {
  const auto error_of = [](ModelSpec spec) {
    try {
      resolve_shapes(spec);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("(no error)");
  };
  ModelSpec spec = small_cnn();
  spec.layers[0].kernel = {9, 9};
  EXPECT_EQ(error_of(spec), "model.layers.0.kernel: [9, 9] does not fit the input [1, 8, 8]");
  spec = small_cnn();
  spec.layers[1].kernel = {7, 7};
  EXPECT_EQ(error_of(spec), "model.layers.1.kernel: [7, 7] does not fit the input [4, 6, 6]");
  spec = small_cnn();
  std::swap(spec.layers[0], spec.layers[2]);
  EXPECT_EQ(error_of(spec),
            "model.layers.1.type: maxpool2d needs a [C, H, W] input, got [64] (set model.input_shape, or move it before the "
            "flatten or dense layer)");
  spec = small_cnn();
  spec.layers[0].same_padding = true;
  spec.layers[0].kernel = {2, 2};
  EXPECT_EQ(error_of(spec), "model.layers.0.padding: same needs an odd kernel, got [2, 2]");
}

TEST(Flatten, PassesTheSameFloatsAndSpreadsASharedInput) {
  Flatten<float> flatten(2);
  const Tensor own({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(&flatten.forward(own, {}), &own);
  const Tensor& spread = flatten.forward(Tensor({1, 1, 3}, {7, 8, 9}), {});
  EXPECT_EQ(spread.shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(spread[4], 8.0f);
}

}  // namespace
}  // namespace nnlab
