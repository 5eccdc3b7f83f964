#include "nn/loss.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <optional>

#include "gradient_check.hpp"

namespace nnlab {
namespace {

using testing::check_loss_gradients;
using testing::random_tensor;

std::unique_ptr<Loss<double>> make(LossKind kind, std::vector<double> class_weights = {},
                                   std::optional<LossReduction> reduction = std::nullopt) {
  const std::vector<LossSpec> specs{LossSpec{kind, std::move(class_weights), reduction}};
  return make_loss<double>(specs);
}

std::unique_ptr<Loss<double>> make_sum(LossKind kind, std::vector<double> class_weights = {}) {
  return make(kind, std::move(class_weights), LossReduction::sum);
}

void expect_near_all(const TensorD& actual, std::initializer_list<double> expected, double tolerance) {
  ASSERT_EQ(actual.size(), static_cast<Index>(expected.size()));
  Index i = 0;
  for (const double value : expected) {
    EXPECT_NEAR(actual[i], value, tolerance) << "element " << i;
    ++i;
  }
}

// Loss of one member, with its gradient.
double evaluate(const Loss<double>& loss, const TensorD& output, const TensorD* values,
                std::vector<std::int32_t> labels, TensorD* grad = nullptr) {
  std::vector<double> result(1);
  loss.evaluate(output, Targets<double>{values, labels}, result, grad);
  return result[0];
}

TEST(Loss, SumSquaredErrorByHand) {
  // Two examples, one output: ½ ((0.2 − 0)² + (0.9 − 1)²) = ½ (0.04 + 0.01) = 0.025; gradient y − t.
  const TensorD output({1, 2, 1}, {0.2, 0.9}), values({1, 2, 1}, {0.0, 1.0});
  TensorD grad;
  EXPECT_DOUBLE_EQ(evaluate(*make(LossKind::sse), output, &values, {}, &grad), 0.025);
  EXPECT_DOUBLE_EQ(grad[0], 0.2);
  EXPECT_DOUBLE_EQ(grad[1], 0.9 - 1.0);
  // Class weights [3, 1] with labels [0, 1]: ½ (3 · 0.04 + 1 · 0.01) = 0.065
  EXPECT_DOUBLE_EQ(evaluate(*make(LossKind::sse, {3.0, 1.0}), output, &values, {0, 1}, &grad), 0.065);
  EXPECT_DOUBLE_EQ(grad[0], 3 * 0.2);
}

TEST(Loss, MeanSquaredErrorByHand) {
  // (0.01 + 0.04 + 0.09 + 0.16) / 4 = 0.075; gradient 2 (y − t) / 4.
  const TensorD output({1, 2, 2}, {0.9, 0.2, 0.3, 0.6}), values({1, 2, 2}, {1, 0, 0, 1});
  TensorD grad;
  EXPECT_DOUBLE_EQ(evaluate(*make(LossKind::mse), output, &values, {}, &grad), 0.075);
  EXPECT_DOUBLE_EQ(grad[3], 2 * (0.6 - 1.0) / 4);
}

// Reference values: tests/nn/golden_losses.py (PyTorch 1.13.1, float64).
TEST(Loss, MatchesPyTorch) {
  const TensorD y({1, 2, 2}, {0.9, 0.2, 0.3, 0.6}), t({1, 2, 2}, {1, 0, 0, 1});
  EXPECT_NEAR(evaluate(*make(LossKind::mse), y, &t, {}), 0.07500000000000001, 1e-15);
  EXPECT_NEAR(evaluate(*make(LossKind::mse, {0.5, 2.0}), y, &t, {0, 1}), 0.13125, 1e-15);
  EXPECT_NEAR(evaluate(*make(LossKind::bce), y, &t, {}), 0.2990011586691898, 1e-15);
  EXPECT_NEAR(evaluate(*make(LossKind::bce, {0.5, 2.0}), y, &t, {0, 1}), 0.4748132922238661, 1e-15);
  const TensorD certain({1, 1, 2}, {0.0, 1.0}), ones({1, 1, 2}, {1.0, 1.0});
  TensorD grad;
  EXPECT_DOUBLE_EQ(evaluate(*make(LossKind::bce), certain, &ones, {}, &grad), 50.0);  // log 0 clamped at −100
  EXPECT_TRUE(std::isfinite(grad[0]));

  const TensorD logits({1, 2, 3}, {2.0, -1.0, 0.5, 0.1, 0.2, 3.0});
  EXPECT_NEAR(evaluate(*make(LossKind::cross_entropy), logits, nullptr, {0, 1}, &grad), 1.5754563805893111, 1e-14);
  const double expected_grad[] = {-0.10720148270536206, 0.019556286635343725, 0.08764519607001835,
                                  0.024655663579138246, -0.47275127764647945, 0.4480956140673412};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(grad[i], expected_grad[i], 1e-15) << i;
  EXPECT_NEAR(evaluate(*make(LossKind::cross_entropy, {0.2, 1.5, 3.0}), logits, nullptr, {0, 1}, &grad),
              2.5956849741844876, 1e-14);
  const double expected_weighted_grad[] = {-0.025223878283614606, 0.004601479208316171, 0.020622399075298437,
                                           0.04350999455142043,   -0.8342669605526108,  0.7907569660011904};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(grad[i], expected_weighted_grad[i], 1e-15) << i;
  EXPECT_DOUBLE_EQ(evaluate(*make(LossKind::cross_entropy), TensorD({1, 1, 3}, {1000, 0, -1000}), nullptr, {2}),
                   2000.0);
}

// reduction='sum', and sse's mean; reference values and gradients from tests/nn/golden_losses.py
// (PyTorch, float64). The weighted element losses use labels [0, 1] and class weights [0.5, 2].
TEST(Loss, SumReductionMatchesPyTorch) {
  const TensorD y({1, 2, 2}, {0.9, 0.2, 0.3, 0.6}), t({1, 2, 2}, {1, 0, 0, 1});
  TensorD grad;
  EXPECT_NEAR(evaluate(*make_sum(LossKind::mse), y, &t, {}, &grad), 0.30000000000000004, 1e-15);
  expect_near_all(grad, {-0.19999999999999996, 0.4, 0.6, -0.8}, 1e-15);
  EXPECT_NEAR(evaluate(*make_sum(LossKind::mse, {0.5, 2.0}), y, &t, {0, 1}, &grad), 0.525, 1e-15);
  expect_near_all(grad, {-0.09999999999999998, 0.2, 1.2, -1.6}, 1e-15);
  EXPECT_NEAR(evaluate(*make_sum(LossKind::bce), y, &t, {}, &grad), 1.1960046346767592, 1e-14);
  expect_near_all(grad, {-1.1111111111111112, 1.2499999999999998, 1.4285714285714286, -1.6666666666666667}, 1e-14);
  EXPECT_NEAR(evaluate(*make_sum(LossKind::bce, {0.5, 2.0}), y, &t, {0, 1}, &grad), 1.8992531688954644, 1e-14);
  expect_near_all(grad, {-0.5555555555555556, 0.6249999999999999, 2.857142857142857, -3.3333333333333335}, 1e-14);

  const TensorD logits({1, 2, 3}, {2.0, -1.0, 0.5, 0.1, 0.2, 3.0});
  EXPECT_NEAR(evaluate(*make_sum(LossKind::cross_entropy), logits, nullptr, {0, 1}, &grad), 3.1509127611786223,
              1e-14);
  expect_near_all(grad,
                  {-0.21440296541072412, 0.03911257327068745, 0.1752903921400367, 0.04931132715827649,
                   -0.9455025552929589, 0.8961912281346824},
                  1e-15);
  // Weighted and summed: Σ w_y l, not divided by Σ w_y.
  EXPECT_NEAR(evaluate(*make_sum(LossKind::cross_entropy, {0.2, 1.5, 3.0}), logits, nullptr, {0, 1}, &grad),
              4.412664456113629, 1e-14);
  expect_near_all(grad,
                  {-0.04288059308214483, 0.00782251465413749, 0.03505807842800734, 0.07396699073741474,
                   -1.4182538329394385, 1.3442868422020235},
                  1e-15);

  // sse with reduction: mean is half of MSELoss's mean.
  const auto sse_mean = make(LossKind::sse, {}, LossReduction::mean);
  EXPECT_NEAR(evaluate(*sse_mean, y, &t, {}, &grad), 0.037500000000000006, 1e-15);
  expect_near_all(grad, {-0.024999999999999994, 0.05, 0.075, -0.1}, 1e-15);
  EXPECT_NEAR(evaluate(*make(LossKind::sse, {0.5, 2.0}, LossReduction::mean), y, &t, {0, 1}, &grad), 0.065625,
              1e-15);
  expect_near_all(grad, {-0.012499999999999997, 0.025, 0.15, -0.2}, 1e-15);
}

TEST(Loss, DefaultReductionIsTheKinds) {
  for (const LossKind kind : {LossKind::sse, LossKind::mse, LossKind::bce, LossKind::cross_entropy}) {
    const bool default_sums = kind == LossKind::sse;
    EXPECT_EQ(reduction_of(LossSpec{kind, {}, std::nullopt}), default_sums ? LossReduction::sum : LossReduction::mean);
    EXPECT_EQ(make(kind)->sums(), default_sums);
    EXPECT_TRUE(make(kind, {}, LossReduction::sum)->sums());
    EXPECT_FALSE(make(kind, {}, LossReduction::mean)->sums());
  }
  // An explicit reduction equal to the default changes nothing: sse's sum is ½ Σ (y − t)².
  const TensorD output({1, 2, 1}, {0.2, 0.9}), values({1, 2, 1}, {0.0, 1.0});
  EXPECT_EQ(evaluate(*make(LossKind::sse, {}, LossReduction::sum), output, &values, {}),
            evaluate(*make(LossKind::sse), output, &values, {}));
}

TEST(Loss, MembersMustAgreeOnTheReduction) {
  const std::vector<LossSpec> mixed{{LossKind::mse, {}, std::nullopt}, {LossKind::mse, {}, LossReduction::sum}};
  try {
    make_loss<double>(mixed);
    ADD_FAILURE() << "mixed reductions were accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "make_loss: members disagree on the loss reduction (mean and sum)");
  }
  const std::vector<LossSpec> mixed_ce{{LossKind::cross_entropy, {}, LossReduction::sum},
                                       {LossKind::cross_entropy, {}, LossReduction::mean}};
  EXPECT_THROW(make_loss<float>(mixed_ce), std::invalid_argument);
  // Unset means the kind's default, so it agrees with that default written out.
  const std::vector<LossSpec> same{{LossKind::sse, {}, std::nullopt}, {LossKind::sse, {}, LossReduction::sum}};
  EXPECT_TRUE(make_loss<double>(same)->sums());
}

TEST(Loss, CrossEntropyInFloatSurvivesHugeLogits) {
  const std::vector<LossSpec> specs{LossSpec{LossKind::cross_entropy, {}}};
  const auto loss = make_loss<float>(specs);
  const Tensor logits({1, 1, 3}, {1e30f, 0.0f, -1e30f});
  const std::vector<std::int32_t> labels{0};
  std::vector<double> value(1);
  Tensor grad;
  loss->evaluate(logits, Targets<float>{nullptr, labels}, value, &grad);
  EXPECT_EQ(value[0], 0.0);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::isfinite(grad[i]));
  EXPECT_TRUE(loss->takes_logits());
}

TEST(Loss, MembersGetTheirOwnClassWeights) {
  const std::vector<LossSpec> specs{{LossKind::sse, {1.0, 1.0}}, {LossKind::sse, {2.0, 0.0}}};
  const auto loss = make_loss<double>(specs);
  const TensorD output({2, 2, 1}, {1, 1, 1, 1}), shared_values({1, 2, 1}, {0, 0});
  const std::vector<std::int32_t> labels{0, 1};
  std::vector<double> value(2);
  loss->evaluate(output, Targets<double>{&shared_values, labels}, value, nullptr);
  EXPECT_DOUBLE_EQ(value[0], 1.0);  // ½ (1 + 1)
  EXPECT_DOUBLE_EQ(value[1], 1.0);  // ½ (2 · 1 + 0 · 1)
}

TEST(Loss, RejectsBadInput) {
  const std::vector<LossSpec> mixed{{LossKind::sse, {}}, {LossKind::mse, {}}};
  EXPECT_THROW(make_loss<double>(mixed), std::invalid_argument);
  const std::vector<LossSpec> negative{{LossKind::sse, {-1.0}}};
  EXPECT_THROW(make_loss<double>(negative), std::invalid_argument);
  const auto ce = make(LossKind::cross_entropy);
  EXPECT_THROW(evaluate(*ce, TensorD({1, 1, 3}), nullptr, {3}), std::invalid_argument);  // label out of range
  EXPECT_THROW(evaluate(*ce, TensorD({1, 2, 3}), nullptr, {0}), std::invalid_argument);  // too few labels
  const TensorD values({1, 2, 2});
  EXPECT_THROW(evaluate(*make(LossKind::mse), TensorD({1, 2, 3}), &values, {}),
               std::invalid_argument);  // shape mismatch
  EXPECT_THROW(evaluate(*make(LossKind::mse, {1.0}), TensorD({1, 2, 2}), &values, {0, 1}),
               std::invalid_argument);  // no weight for 1
}

struct LossCase {
  LossKind kind;
  LossReduction reduction;
  bool weighted;
  bool shared_targets;
};

std::string loss_case_name(const ::testing::TestParamInfo<LossCase>& info) {
  const char* names[] = {"sse", "mse", "bce", "cross_entropy"};
  return std::string(names[static_cast<int>(info.param.kind)]) +
         (info.param.reduction == LossReduction::sum ? "_sum" : "_mean") + (info.param.weighted ? "_weighted" : "") +
         (info.param.shared_targets ? "_shared" : "_per_member");
}

class LossGradient : public ::testing::TestWithParam<LossCase> {};

// P = 2, B = 4, C = 3; per-member class weights differ; targets shared (Q = 1) or per member.
TEST_P(LossGradient, MatchesFiniteDifferences) {
  const LossCase c = GetParam();
  constexpr Index population = 2, batch = 4, classes = 3;
  std::vector<LossSpec> specs{{c.kind, {}, c.reduction}, {c.kind, {}, c.reduction}};
  if (c.weighted) {
    specs[0].class_weights = {0.5, 2.0, 1.0};
    specs[1].class_weights = {3.0, 0.25, 1.5};
  }
  const auto loss = make_loss<double>(specs);
  const Index slices = c.shared_targets ? 1 : population;
  CounterRng rng(5, RngPurpose::data);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(slices * batch));
  for (auto& label : labels) label = static_cast<std::int32_t>(rng.below(classes));
  TensorD values({slices, batch, classes});
  for (double& value : values.span()) value = rng.uniform(0.05, 0.95);  // soft targets exercise every term
  TensorD output = random_tensor({population, batch, classes}, 6);
  if (c.kind == LossKind::bce)
    for (double& y : output.span()) y = 0.1 + 0.8 * rng.uniform();  // probabilities away from 0 and 1
  check_loss_gradients(*loss, output, Targets<double>{&values, labels});
}

// Every kind × reduction, unweighted with shared targets and weighted with per-member ones;
// cross_entropy also weighted with shared labels.
std::vector<LossCase> loss_cases() {
  std::vector<LossCase> cases;
  for (const LossKind kind : {LossKind::sse, LossKind::mse, LossKind::bce, LossKind::cross_entropy})
    for (const LossReduction reduction : {LossReduction::mean, LossReduction::sum}) {
      cases.push_back({kind, reduction, false, true});
      cases.push_back({kind, reduction, true, false});
      if (kind == LossKind::cross_entropy) cases.push_back({kind, reduction, true, true});
    }
  return cases;
}

// Label smoothing (labels) and soft targets (mixup), weighted and not: finite differences.
TEST(Loss, SmoothedAndSoftCrossEntropyMatchFiniteDifferences) {
  constexpr Index population = 2, batch = 4, classes = 3;
  for (const bool soft : {false, true})
    for (const LossReduction reduction : {LossReduction::mean, LossReduction::sum}) {
      std::vector<LossSpec> specs{{LossKind::cross_entropy, {0.5, 2.0, 1.0}, reduction},
                                  {LossKind::cross_entropy, {}, reduction}};
      specs[0].label_smoothing = 0.1;
      specs[1].label_smoothing = 0.3;
      for (LossSpec& spec : specs) spec.soft_targets = soft;
      const auto loss = make_loss<double>(specs);
      CounterRng rng(5, RngPurpose::data);
      std::vector<std::int32_t> labels(static_cast<std::size_t>(population * batch));
      for (auto& label : labels) label = static_cast<std::int32_t>(rng.below(classes));
      TensorD values({population, batch, classes});
      for (double& value : values.span()) value = rng.uniform(0.05, 0.95);
      TensorD output = random_tensor({population, batch, classes}, 6);
      check_loss_gradients(*loss, output, Targets<double>{&values, labels});
    }
}

// By hand: smoothing s on labels is (1 − s)·CE(label) + s·mean_c(−log p_c); soft one-hot
// targets give the labelled loss; a bad smoothing is rejected.
TEST(Loss, LabelSmoothingAndSoftTargetsByHand) {
  const TensorD output({1, 2, 3}, {2.0, -1.0, 0.5, 0.1, 0.2, 3.0});
  const std::vector<std::int32_t> labels{0, 1};
  const auto plain = make(LossKind::cross_entropy);
  const double hard = evaluate(*plain, output, nullptr, labels);
  double uniform = 0.0;
  for (Index b = 0; b < 2; ++b) {
    double lse = 0.0;
    for (Index c = 0; c < 3; ++c) lse += std::exp(output[b * 3 + c]);
    lse = std::log(lse);
    for (Index c = 0; c < 3; ++c) uniform += (lse - output[b * 3 + c]) / 3.0 / 2.0;
  }
  std::vector<LossSpec> specs{LossSpec{LossKind::cross_entropy}};
  specs[0].label_smoothing = 0.2;
  EXPECT_NEAR(evaluate(*make_loss<double>(specs), output, nullptr, labels), 0.8 * hard + 0.2 * uniform, 1e-12);
  specs[0].label_smoothing = 0.0;
  specs[0].soft_targets = true;
  const TensorD one_hot({1, 2, 3}, {1, 0, 0, 0, 1, 0});
  EXPECT_NEAR(evaluate(*make_loss<double>(specs), output, &one_hot, labels), hard, 1e-12);
  specs[0].label_smoothing = 1.0;
  EXPECT_THROW(make_loss<double>(specs), std::invalid_argument);
}

// Golden values from tests/nn/golden_losses.py: F.cross_entropy(label_smoothing=0.2) with labels
// and with probability targets, unweighted and with class weights, mean and sum.
TEST(Loss, LabelSmoothingAndSoftTargetsMatchPyTorch) {
  struct Case {
    bool soft, weighted;
    LossReduction reduction;
    double loss;
    std::vector<double> grad;
  };
  const std::vector<Case> cases{
      {false, false, LossReduction::mean, 1.6354563805893112, {-0.04053481603869541, -0.013777046697989608, 0.054311862736685014, -0.008677669754195087, -0.4060846109798128, 0.4147622807340079}},
      {false, false, LossReduction::sum, 3.2709127611786224, {-0.08106963207739082, -0.027554093395979216, 0.10862372547337003, -0.017355339508390175, -0.8121692219596256, 0.8295245614680158}},
      {false, true, LossReduction::mean, 2.6816181745452186, {0.11677407629740622, -0.0479333619520831, -0.06884071434532311, 0.036053612803642214, -0.7161924707902028, 0.6801388579865605}},
      {false, true, LossReduction::sum, 4.558750896726872, {0.1985159297055906, -0.08148671531854128, -0.1170292143870493, 0.06129114176619177, -1.2175272003433448, 1.156236058577153}},
      {true, false, LossReduction::mean, 1.0954563805893112, {0.07946518396130464, -0.09377704669798961, 0.014311862736685013, -0.008677669754195087, -0.10608461097981281, 0.11476228073400785}},
      {true, false, LossReduction::sum, 2.1909127611786223, {0.15893036792260928, -0.18755409339597923, 0.028623725473370026, -0.017355339508390175, -0.21216922195962562, 0.2295245614680157}},
      {true, true, LossReduction::mean, 1.6608193474760413, {0.2929469243240789, -0.15229504183280215, -0.14065188249127672, 0.05283566810432029, -0.1342397500535038, 0.08140408194918337}},
      {true, true, LossReduction::sum, 3.3216386949520826, {0.5858938486481577, -0.3045900836656043, -0.28130376498255344, 0.10567133620864058, -0.2684795001070076, 0.16280816389836675}},
  };
  const TensorD output({1, 2, 3}, {2.0, -1.0, 0.5, 0.1, 0.2, 3.0});
  const TensorD soft({1, 2, 3}, {0.7, 0.2, 0.1, 0.0, 0.25, 0.75});
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.soft ? "soft" : "labels") + (c.weighted ? " weighted" : "") +
                 (c.reduction == LossReduction::mean ? " mean" : " sum"));
    LossSpec spec{LossKind::cross_entropy};
    spec.label_smoothing = 0.2;
    spec.soft_targets = c.soft;
    spec.reduction = c.reduction;
    if (c.weighted) spec.class_weights = {0.2, 1.5, 3.0};
    TensorD grad;
    EXPECT_NEAR(evaluate(*make_loss<double>(std::vector<LossSpec>{spec}), output, c.soft ? &soft : nullptr, {0, 1}, &grad), c.loss, 1e-12);
    ASSERT_EQ(grad.size(), 6);
    for (Index i = 0; i < 6; ++i) EXPECT_NEAR(grad[i], c.grad[static_cast<std::size_t>(i)], 1e-12) << "element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, LossGradient, ::testing::ValuesIn(loss_cases()), loss_case_name);

}  // namespace
}  // namespace nnlab
