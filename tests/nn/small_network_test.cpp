// The fused small-network kernel (Sequential::forward_backward on small networks): bit for bit
// the layered path (zero_grad, forward, Loss::evaluate, backward), member m of a population bit
// for bit member m alone, close to a double-precision reference, and gradients that match
// finite differences.
#include "nn/small_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "gradient_check.hpp"
#include "nn/model.hpp"

namespace nnlab {
namespace {

struct NetworkCase {
  std::string name;
  Index inputs = 0;
  std::vector<std::pair<Index, ActivationKind>> layers;  // units, activation
  LossKind loss = LossKind::sse;
  bool bias = true;
  bool class_weights = false;
  std::optional<LossReduction> reduction;  // unset: the kind's default
  StepLevels levels = StepLevels::binary;  // of every step layer
  StraightThrough straight_through = StraightThrough::identity;
};

void PrintTo(const NetworkCase& c, std::ostream* out) { *out << c.name; }

const std::vector<NetworkCase>& cases() {
  static const std::vector<NetworkCase> all{
      {"mirror_sigmoid_sse", 6, {{2, ActivationKind::sigmoid}, {1, ActivationKind::sigmoid}}, LossKind::sse},
      {"tanh_relu_leaky_identity_mse",
       5,
       {{7, ActivationKind::tanh},
        {4, ActivationKind::relu},
        {3, ActivationKind::leaky_relu},
        {2, ActivationKind::identity}},
       LossKind::mse},
      {"elu_silu_sigmoid_weighted_bce",
       4,
       {{6, ActivationKind::elu}, {5, ActivationKind::silu}, {3, ActivationKind::sigmoid}},
       LossKind::bce,
       true,
       true},
      {"hard_no_bias_weighted_sse",
       3,
       {{4, ActivationKind::hard_sigmoid}, {3, ActivationKind::hard_tanh}, {2, ActivationKind::sigmoid}},
       LossKind::sse,
       false,
       true},
      {"one_linear_layer_mse", 9, {{1, ActivationKind::identity}}, LossKind::mse},
      // The other reduction of each kind.
      {"mirror_sigmoid_sse_mean",
       6,
       {{2, ActivationKind::sigmoid}, {1, ActivationKind::sigmoid}},
       LossKind::sse,
       true,
       false,
       LossReduction::mean},
      {"hard_no_bias_weighted_sse_mean",
       3,
       {{4, ActivationKind::hard_sigmoid}, {3, ActivationKind::hard_tanh}, {2, ActivationKind::sigmoid}},
       LossKind::sse,
       false,
       true,
       LossReduction::mean},
      {"tanh_relu_leaky_identity_mse_sum",
       5,
       {{7, ActivationKind::tanh},
        {4, ActivationKind::relu},
        {3, ActivationKind::leaky_relu},
        {2, ActivationKind::identity}},
       LossKind::mse,
       true,
       false,
       LossReduction::sum},
      {"elu_silu_sigmoid_weighted_bce_sum",
       4,
       {{6, ActivationKind::elu}, {5, ActivationKind::silu}, {3, ActivationKind::sigmoid}},
       LossKind::bce,
       true,
       true,
       LossReduction::sum},
      // Hard-threshold units, each straight-through estimator (the Rumelhart 6-2-1 with step hidden units first).
      {"mirror_step_identity_sse", 6, {{2, ActivationKind::step}, {1, ActivationKind::sigmoid}}, LossKind::sse},
      {"step_sign_sigmoid_weighted_bce", 4, {{5, ActivationKind::step}, {3, ActivationKind::step}, {2, ActivationKind::sigmoid}},
       LossKind::bce, true, true, std::nullopt, StepLevels::sign, StraightThrough::sigmoid},
      {"step_hard_tanh_no_bias_mse", 5, {{4, ActivationKind::step}, {2, ActivationKind::identity}}, LossKind::mse, false,
       false, std::nullopt, StepLevels::binary, StraightThrough::hard_tanh},
  };
  return all;
}

const NetworkCase& case_named(std::string_view name) {
  const auto found = std::ranges::find(cases(), name, &NetworkCase::name);
  if (found == cases().end()) throw std::logic_error("no case " + std::string(name));
  return *found;
}

// Member m: the case's structure with its own activation scalars and initialisation ranges.
ModelSpec member_spec(const NetworkCase& c, Index m) {
  ModelSpec spec;
  spec.inputs = c.inputs;
  const auto k = static_cast<double>(m);
  for (const auto& [units, kind] : c.layers) {
    LayerSpec layer;
    layer.units = units;
    layer.bias = c.bias;
    layer.activation = ActivationSpec{.kind = kind,
                                      .steepness = 0.5 + 0.25 * static_cast<double>(m % 5),
                                      .slope = 0.01 + 0.05 * static_cast<double>(m % 3),
                                      .alpha = 0.5 + 0.5 * static_cast<double>(m % 4),
                                      .levels = c.levels,
                                      .straight_through = c.straight_through};
    const double range = 0.3 + 0.2 * static_cast<double>(m % 4);
    layer.weight_init = InitSpec{.kind = InitKind::uniform, .low = -range, .high = range};
    layer.bias_init = InitSpec{.kind = InitKind::uniform, .low = -0.1 * range, .high = 0.2 * range + 0.001 * k};
    spec.layers.push_back(layer);
  }
  return spec;
}

LossSpec member_loss(const NetworkCase& c, Index m) {
  LossSpec spec{.kind = c.loss, .class_weights = {}, .reduction = c.reduction};
  const auto k = static_cast<double>(m);
  if (c.class_weights && m % 3 != 0) spec.class_weights = {0.5 + 0.1 * k, 1.0, 2.0 - 0.02 * k};
  return spec;
}

// A population of a case, and one batch of B examples for it (inputs and targets shared by
// all members, Q = 1, or one per member, Q = P).
template <typename T>
struct Problem {
  std::vector<ModelSpec> specs;
  std::vector<std::uint64_t> seeds;
  std::vector<LossSpec> losses;
  TensorT<T> inputs, targets;
  std::vector<std::int32_t> labels;

  Targets<T> batch_targets() const { return Targets<T>{&targets, labels}; }
};

Problem<float> make_problem(const NetworkCase& c, Index population, Index batch, bool shared) {
  Problem<float> problem;
  for (Index m = 0; m < population; ++m) {
    problem.specs.push_back(member_spec(c, m));
    problem.seeds.push_back(100 + static_cast<std::uint64_t>(m));
    problem.losses.push_back(member_loss(c, m));
  }
  const Index q = shared ? 1 : population, outputs = c.layers.back().first;
  problem.inputs = Tensor({q, batch, c.inputs});
  problem.targets = Tensor({q, batch, outputs});
  CounterRng rng(7, RngPurpose::data, 3);
  for (float& x : problem.inputs.span()) x = static_cast<float>(1.5 * rng.normal());
  for (float& t : problem.targets.span()) t = static_cast<float>(rng.uniform(0.05, 0.95));
  for (Index i = 0; i < q * batch; ++i) problem.labels.push_back(static_cast<std::int32_t>((i * 7 + i / 5) % 3));
  return problem;
}

// Member m of a problem as a population of one.
Problem<float> alone(const Problem<float>& problem, Index m) {
  Problem<float> single;
  single.specs = {problem.specs[static_cast<std::size_t>(m)]};
  single.seeds = {problem.seeds[static_cast<std::size_t>(m)]};
  single.losses = {problem.losses[static_cast<std::size_t>(m)]};
  const bool shared = problem.inputs.dim(0) == 1;
  const Index batch = problem.inputs.dim(1);
  const auto slice_of = [&](const Tensor& tensor) {
    Tensor part({1, tensor.dim(1), tensor.dim(2)});
    std::copy_n(tensor.slice(shared ? 0 : m), tensor.slice_size(), part.data());
    return part;
  };
  single.inputs = slice_of(problem.inputs);
  single.targets = slice_of(problem.targets);
  const auto first = problem.labels.begin() + (shared ? 0 : m * batch);
  single.labels.assign(first, first + batch);
  return single;
}

struct Pass {
  Tensor output;
  std::vector<double> loss;
  std::vector<Tensor> grads;
};

Pass fused_pass(Sequential<float>& model, const Loss<float>& loss, const Problem<float>& problem) {
  Pass pass;
  pass.loss.resize(static_cast<std::size_t>(model.population()));
  pass.output = model.forward_backward(problem.inputs, loss, problem.batch_targets(), pass.loss, {});
  for (const auto& parameter : model.parameters()) pass.grads.push_back(*parameter.grad);
  return pass;
}

Pass layered_pass(Sequential<float>& model, const Loss<float>& loss, const Problem<float>& problem) {
  Pass pass;
  pass.loss.resize(static_cast<std::size_t>(model.population()));
  model.zero_grad();
  pass.output = model.forward(problem.inputs, {});
  Tensor grad_output;
  loss.evaluate(pass.output, problem.batch_targets(), pass.loss, &grad_output);
  model.backward(grad_output);
  for (const auto& parameter : model.parameters()) pass.grads.push_back(*parameter.grad);
  return pass;
}

bool same_bits(const float* a, const float* b, Index count) {
  return std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(float)) == 0;
}

constexpr Index population = 37;  // two full blocks of 16 members and a partial one
constexpr Index batch = 45;       // a full group of examples in flight and a partial one

class SmallNetwork : public ::testing::TestWithParam<NetworkCase> {};

TEST_P(SmallNetwork, FusedPassIsTheLayeredPassBitForBit) {
  const NetworkCase& c = GetParam();
  for (const bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared batch" : "a batch per member");
    const Problem<float> problem = make_problem(c, population, batch, shared);
    const auto loss = make_loss<float>(problem.losses);
    Sequential<float> model(problem.specs, problem.seeds, false);
    ASSERT_TRUE(model.uses_small_network_kernel(c.loss));
    const Pass fused = fused_pass(model, *loss, problem);
    const Pass layered = layered_pass(model, *loss, problem);
    ASSERT_EQ(fused.output.shape(), layered.output.shape());
    EXPECT_TRUE(same_bits(fused.output.data(), layered.output.data(), fused.output.size()));
    for (Index m = 0; m < population; ++m)
      EXPECT_EQ(fused.loss[static_cast<std::size_t>(m)], layered.loss[static_cast<std::size_t>(m)]) << m;
    ASSERT_EQ(fused.grads.size(), layered.grads.size());
    for (std::size_t p = 0; p < fused.grads.size(); ++p)
      EXPECT_TRUE(same_bits(fused.grads[p].data(), layered.grads[p].data(), fused.grads[p].size()))
          << "parameter " << p;
  }
}

TEST_P(SmallNetwork, MemberInAPopulationIsTheMemberAloneBitForBit) {
  const NetworkCase& c = GetParam();
  for (const bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared batch" : "a batch per member");
    const Problem<float> problem = make_problem(c, population, batch, shared);
    const auto loss = make_loss<float>(problem.losses);
    Sequential<float> model(problem.specs, problem.seeds, false);
    const Pass together = fused_pass(model, *loss, problem);
    // First and last lanes of every block, and the lone member of the partial block.
    for (const Index m : {Index{0}, Index{1}, Index{15}, Index{16}, Index{31}, Index{32}, Index{36}}) {
      SCOPED_TRACE("member " + std::to_string(m));
      const Problem<float> single = alone(problem, m);
      const auto single_loss = make_loss<float>(single.losses);
      Sequential<float> single_model(single.specs, single.seeds, false);
      ASSERT_TRUE(single_model.uses_small_network_kernel(c.loss));  // P = 1 takes the same kernel
      const Pass lone = fused_pass(single_model, *single_loss, single);
      EXPECT_TRUE(same_bits(lone.output.data(), together.output.slice(m), lone.output.size()));
      EXPECT_EQ(lone.loss[0], together.loss[static_cast<std::size_t>(m)]);
      for (std::size_t p = 0; p < lone.grads.size(); ++p)
        EXPECT_TRUE(same_bits(lone.grads[p].data(), together.grads[p].slice(m), lone.grads[p].size()))
            << "parameter " << p;
    }
  }
}

// The float kernel against a plain double-precision computation of the same network (the
// layered path in double, from the float weights).
TEST_P(SmallNetwork, AgreesWithADoublePrecisionReference) {
  const NetworkCase& c = GetParam();
  const Problem<float> problem = make_problem(c, population, batch, false);
  const auto loss = make_loss<float>(problem.losses);
  Sequential<float> model(problem.specs, problem.seeds, false);
  const Pass fused = fused_pass(model, *loss, problem);

  const auto to_double = [](const Tensor& tensor) {
    TensorD copy(tensor.shape());
    std::copy_n(tensor.data(), tensor.size(), copy.data());
    return copy;
  };
  Sequential<double> reference(problem.specs, problem.seeds, false);
  const auto float_parameters = model.parameters();
  const auto double_parameters = reference.parameters();
  for (std::size_t p = 0; p < float_parameters.size(); ++p)
    *double_parameters[p].value = to_double(*float_parameters[p].value);
  const auto double_loss = make_loss<double>(problem.losses);
  const TensorD inputs = to_double(problem.inputs), targets = to_double(problem.targets);
  std::vector<double> reference_loss(population);
  reference.zero_grad();
  const TensorD& output = reference.forward(inputs, {});
  TensorD grad_output;
  double_loss->evaluate(output, Targets<double>{&targets, problem.labels}, reference_loss, &grad_output);
  reference.backward(grad_output);

  for (Index i = 0; i < output.size(); ++i)
    EXPECT_NEAR(fused.output[i], output[i], 2e-6 * (1.0 + std::abs(output[i]))) << i;
  for (std::size_t m = 0; m < reference_loss.size(); ++m)
    EXPECT_NEAR(fused.loss[m], reference_loss[m], 1e-5 * (1.0 + std::abs(reference_loss[m]))) << m;
  for (std::size_t p = 0; p < double_parameters.size(); ++p) {
    const TensorD& expected = *double_parameters[p].grad;
    double largest = 0.0;
    for (Index i = 0; i < expected.size(); ++i) largest = std::max(largest, std::abs(expected[i]));
    for (Index i = 0; i < expected.size(); ++i)
      EXPECT_NEAR(fused.grads[p][i], expected[i], 1e-5 * largest + 1e-7)
          << double_parameters[p].name << "[" << i << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SmallNetwork, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<NetworkCase>& info) { return info.param.name; });

// The fused kernel in double against central differences of Σ_m g_m loss_m (smooth cases).
TEST(SmallNetworkKernel, GradientsMatchFiniteDifferences) {
  for (const std::string_view name : {"mirror_sigmoid_sse", "elu_silu_sigmoid_weighted_bce", "mirror_sigmoid_sse_mean",
                                      "elu_silu_sigmoid_weighted_bce_sum", "one_linear_layer_mse"}) {
    const NetworkCase& c = case_named(name);
    SCOPED_TRACE(c.name);
    constexpr Index members = 3, examples = 5;
    const Problem<float> problem = make_problem(c, members, examples, false);
    Sequential<double> model(problem.specs, problem.seeds, false);
    ASSERT_TRUE(model.uses_small_network_kernel(c.loss));
    const auto loss = make_loss<double>(problem.losses);
    TensorD inputs(problem.inputs.shape()), targets(problem.targets.shape());
    std::copy_n(problem.inputs.data(), inputs.size(), inputs.data());
    std::copy_n(problem.targets.data(), targets.size(), targets.data());
    const Targets<double> batch_targets{&targets, problem.labels};
    const TensorD g = testing::random_tensor({members}, 5);
    std::vector<double> values(members);
    const auto objective = [&] {
      model.forward_backward(inputs, *loss, batch_targets, values, {});
      double sum = 0.0;
      for (Index m = 0; m < members; ++m) sum += g[m] * values[static_cast<std::size_t>(m)];
      return sum;
    };
    objective();
    std::vector<testing::CheckedTensor> tensors;
    for (const auto& parameter : model.parameters()) {
      TensorD analytic = *parameter.grad;  // d loss_m / d θ_m, scaled by g_m below
      for (Index m = 0; m < members; ++m)
        for (Index i = 0; i < analytic.slice_size(); ++i) analytic.slice(m)[i] *= g[m];
      tensors.push_back({parameter.name, parameter.value, std::move(analytic)});
    }
    testing::expect_gradients_match(objective, tensors);
  }
}

TEST(SmallNetworkKernel, ChosenByStructureOnly) {
  ModelSpec mirror = member_spec(cases()[0], 0);
  EXPECT_TRUE(SmallNetworkKernel<float>::supports(mirror));
  ModelSpec wide = mirror;
  wide.inputs = 784;
  wide.layers[0].units = 300;  // 784 x 300 is a GEMM per member
  EXPECT_FALSE(SmallNetworkKernel<float>::supports(wide));
  ModelSpec with_softmax = mirror;
  with_softmax.layers[1].activation.kind = ActivationKind::softmax;
  EXPECT_FALSE(SmallNetworkKernel<float>::supports(with_softmax));
  EXPECT_TRUE(SmallNetworkKernel<float>::supports(LossKind::bce));
  EXPECT_FALSE(SmallNetworkKernel<float>::supports(LossKind::cross_entropy));

  // Without the kernel, forward_backward is the layered pass (here: cross-entropy).
  NetworkCase classifier{
      "classifier", 4, {{5, ActivationKind::relu}, {3, ActivationKind::identity}}, LossKind::cross_entropy};
  const Problem<float> problem = make_problem(classifier, 4, 6, true);
  const auto loss = make_loss<float>(problem.losses);
  Sequential<float> model(problem.specs, problem.seeds, true);
  EXPECT_FALSE(model.uses_small_network_kernel(LossKind::cross_entropy));
  const Pass pass = fused_pass(model, *loss, problem);
  const Pass layered = layered_pass(model, *loss, problem);
  EXPECT_TRUE(same_bits(pass.output.data(), layered.output.data(), pass.output.size()));
  for (std::size_t p = 0; p < pass.grads.size(); ++p)
    EXPECT_TRUE(same_bits(pass.grads[p].data(), layered.grads[p].data(), pass.grads[p].size()));
}

TEST(SmallNetworkKernel, RejectsBadTargets) {
  const Problem<float> problem = make_problem(cases()[0], 3, 4, true);
  const auto loss = make_loss<float>(problem.losses);
  Sequential<float> model(problem.specs, problem.seeds, false);
  std::vector<double> values(3);
  const Tensor wrong({1, 5, 1});
  EXPECT_THROW(model.forward_backward(problem.inputs, *loss, Targets<float>{&wrong, problem.labels}, values, {}),
               std::invalid_argument);
  std::vector<double> too_few(2);
  EXPECT_THROW(model.forward_backward(problem.inputs, *loss, problem.batch_targets(), too_few, {}),
               std::invalid_argument);
  // A label with no class weight is refused before any thread starts.
  const Problem<float> weighted = make_problem(cases()[3], 3, 4, true);
  const auto weighted_loss = make_loss<float>(weighted.losses);
  Sequential<float> weighted_model(weighted.specs, weighted.seeds, false);
  std::vector<std::int32_t> bad_labels(4, 7);
  EXPECT_THROW(weighted_model.forward_backward(weighted.inputs, *weighted_loss,
                                               Targets<float>{&weighted.targets, bad_labels}, values, {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
