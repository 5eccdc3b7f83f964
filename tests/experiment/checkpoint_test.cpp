// Checkpoint bytes: weights, optimiser state and trainer state survive encoding bit for bit
// (NaN included); bytes that are not a checkpoint of this population are clear InputErrors
// that leave the model untouched.
#include "experiment/checkpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "core/error.hpp"
#include "io/model_file.hpp"
#include "io/safetensors.hpp"

namespace nnlab {
namespace {

ModelSpec net(Index hidden) {
  ModelSpec spec;
  spec.inputs = 3;
  LayerSpec first;
  first.units = hidden;
  first.activation.kind = ActivationKind::tanh;
  LayerSpec last;
  last.units = 2;
  spec.layers = {first, last};
  return spec;
}

struct Population {
  explicit Population(Index hidden, Index members = 4)
      : specs(static_cast<std::size_t>(members), net(hidden)),
        seeds(static_cast<std::size_t>(members)),
        options(static_cast<std::size_t>(members), defaults_for(OptimizerKind::adam)) {
    for (std::size_t m = 0; m < seeds.size(); ++m) seeds[m] = 40 + m;
    options[1].amsgrad = true;
    model = std::make_unique<Sequential<float>>(specs, seeds, true);
    optimizer = make_optimizer(options);
  }
  std::vector<ModelSpec> specs;
  std::vector<std::uint64_t> seeds;
  std::vector<OptimizerOptions> options;
  std::unique_ptr<Sequential<float>> model;
  std::unique_ptr<Optimizer> optimizer;

  // A few optimiser steps with made-up gradients, so that the state is not trivial.
  void step(int times) {
    std::vector<ParameterSlot> slots;
    for (const auto& parameter : model->parameters()) slots.push_back({parameter.value, parameter.grad, parameter.layer_index});
    for (int t = 0; t < times; ++t) {
      for (const auto& parameter : model->parameters())
        for (Index i = 0; i < parameter.grad->size(); ++i) (*parameter.grad)[i] = std::sin(static_cast<float>(i + 7 * t));
      const std::vector<std::uint8_t> active{1, 1, static_cast<std::uint8_t>(t == 0 ? 0 : 1), 1};
      optimizer->step(slots, {}, active);
    }
  }
};

TrainerState example_state(std::size_t members, std::size_t layers) {
  TrainerState state;
  state.epochs_done = 17;
  state.step = 1234;
  state.active = {1, 0, 1, 1};
  for (std::size_t m = 0; m < members; ++m) {
    MemberResult result;
    result.epochs_run = 17 - static_cast<std::int64_t>(m);
    result.diverged = m == 1;
    result.diverged_epoch = m == 1 ? 9 : -1;
    if (m == 2) result.success_epoch = 12;
    result.final_metrics.epoch = 16;
    result.final_metrics.train_loss = m == 1 ? std::numeric_limits<double>::quiet_NaN() : 0.1 + 1e-17 * static_cast<double>(m);
    result.final_metrics.test_accuracy = -0.0;
    result.final_metrics.layers.resize(layers, LayerStats{.weight_norm = 1.0 / 3.0, .gradient_norm = std::numeric_limits<double>::infinity(),
                                                          .update_ratio = not_measured, .activation_std = 0.125});
    result.final_metrics.train_loss_running = 0.7 + 1e-16 * static_cast<double>(m);
    result.final_metrics.updates = 1234;
    result.final_metrics.penalty = 0.03 + 1e-18 * static_cast<double>(m);
    result.final_metrics.train_class_accuracy = {0.5, std::numeric_limits<double>::quiet_NaN(), 1.0 / 7.0};
    result.final_metrics.test_class_accuracy = {0.25};
    state.results.push_back(result);
    state.current.push_back(result.final_metrics);
    state.last_gradient_norm.push_back(std::nextafter(2.0, 3.0));
    state.last_step_rate.push_back(0.001 * static_cast<double>(m));
  }
  state.layer_stats.resize(members * layers, LayerStats{.weight_norm = 5e-324, .gradient_norm = 1e308, .update_ratio = 0.5});
  return state;
}

bool same(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

TEST(Checkpoint, RoundTripsEveryBit) {
  Population original(5);
  original.step(3);
  const TrainerState state = example_state(4, 2);
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, state);

  Population restored(5);
  const TrainerState back = restore_checkpoint(bytes, "test", *restored.model, *restored.optimizer);
  const auto a = original.model->parameters(), b = restored.model->parameters();
  for (std::size_t p = 0; p < a.size(); ++p)
    EXPECT_EQ(std::memcmp(a[p].value->data(), b[p].value->data(), static_cast<std::size_t>(a[p].value->size()) * sizeof(float)), 0) << a[p].name;
  const OptimizerState original_state = original.optimizer->state(), restored_state = restored.optimizer->state();
  EXPECT_EQ(restored_state.steps, original_state.steps);
  EXPECT_EQ(restored_state.steps, (std::vector<std::int64_t>{3, 3, 2, 3}));
  ASSERT_EQ(restored_state.buffers.size(), original_state.buffers.size());
  for (std::size_t i = 0; i < original_state.buffers.size(); ++i) {
    const auto& x = original_state.buffers[i].value;
    const auto& y = restored_state.buffers[i].value;
    ASSERT_EQ(x.shape(), y.shape());
    EXPECT_EQ(std::memcmp(x.data(), y.data(), static_cast<std::size_t>(x.size()) * sizeof(float)), 0) << "buffer " << i;
  }

  EXPECT_EQ(back.epochs_done, 17);
  EXPECT_EQ(back.step, 1234);
  EXPECT_EQ(back.active, state.active);
  ASSERT_EQ(back.results.size(), 4u);
  for (std::size_t m = 0; m < 4; ++m) {
    EXPECT_EQ(back.results[m].epochs_run, state.results[m].epochs_run);
    EXPECT_EQ(back.results[m].diverged, state.results[m].diverged);
    EXPECT_EQ(back.results[m].diverged_epoch, state.results[m].diverged_epoch);
    EXPECT_EQ(back.results[m].success_epoch, state.results[m].success_epoch);
    EXPECT_TRUE(same(back.results[m].final_metrics.train_loss, state.results[m].final_metrics.train_loss)) << m;
    EXPECT_TRUE(same(back.results[m].final_metrics.test_accuracy, -0.0));
    ASSERT_EQ(back.current[m].layers.size(), 2u);
    EXPECT_TRUE(same(back.current[m].layers[1].gradient_norm, std::numeric_limits<double>::infinity()));
    EXPECT_TRUE(std::isnan(back.current[m].layers[1].update_ratio));
    EXPECT_TRUE(same(back.last_gradient_norm[m], std::nextafter(2.0, 3.0)));
    EXPECT_TRUE(same(back.last_step_rate[m], state.last_step_rate[m]));
    const EpochMetrics& metrics = back.results[m].final_metrics;
    EXPECT_TRUE(same(metrics.train_loss_running, state.results[m].final_metrics.train_loss_running));
    EXPECT_EQ(metrics.updates, 1234.0);
    EXPECT_TRUE(same(metrics.penalty, state.results[m].final_metrics.penalty));
    ASSERT_EQ(metrics.train_class_accuracy.size(), 3u);
    EXPECT_TRUE(std::isnan(metrics.train_class_accuracy[1]));
    EXPECT_TRUE(same(metrics.train_class_accuracy[2], 1.0 / 7.0));
    EXPECT_EQ(metrics.test_class_accuracy, (std::vector<double>{0.25}));
    EXPECT_EQ(back.current[m].layers[0].activation_std, 0.125);
  }
  ASSERT_EQ(back.layer_stats.size(), 8u);
  EXPECT_TRUE(same(back.layer_stats[7].weight_norm, 5e-324));
}

// Batch norm's running statistics and batch counts are part of the checkpoint (not parameters:
// the optimiser's state has none for them), and a checkpoint without them does not restore.
// Lookahead's slow weights are buffers optimizer.{p}.3 of the file, and come back bit for bit.
TEST(Checkpoint, CarriesLookaheadSlowWeights) {
  const auto wrap = [](Population& population) {
    for (OptimizerOptions& options : population.options) {
      options.wrapper = OptimizerWrapper::lookahead;
      options.lookahead_k = 2;
    }
    population.optimizer = make_optimizer(population.options);
  };
  Population original(5), restored(5);
  wrap(original);
  wrap(restored);
  original.step(3);
  restore_checkpoint(encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2)), "test", *restored.model,
                     *restored.optimizer);
  const OptimizerState a = original.optimizer->state(), b = restored.optimizer->state();
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  EXPECT_TRUE(std::ranges::any_of(b.buffers, [](const OptimizerState::Buffer& x) { return x.index == lookahead_slow_buffer; }));
  for (std::size_t i = 0; i < a.buffers.size(); ++i) {
    EXPECT_EQ(a.buffers[i].index, b.buffers[i].index);
    EXPECT_EQ(std::memcmp(a.buffers[i].value.data(), b.buffers[i].value.data(), static_cast<std::size_t>(a.buffers[i].value.size()) * sizeof(float)), 0);
  }
}

TEST(Checkpoint, CarriesBatchNormBuffers) {
  ModelSpec spec = net(5);
  spec.layers.insert(spec.layers.begin() + 1, LayerSpec{.kind = LayerKind::batchnorm, .momentum = 0.25});
  const std::vector<ModelSpec> specs(2, spec);
  const std::vector<std::uint64_t> seeds{1, 2};
  const std::vector<OptimizerOptions> options(2, defaults_for(OptimizerKind::sgd));
  Sequential<float> original(specs, seeds, true);
  Tensor x({1, 4, 3}, {0.5f, -1, 2, 3, 0, 1, -2, 1.5f, 0.25f, 1, 1, -1});
  for (int step = 0; step < 3; ++step) original.forward(x, ForwardContext{.mode = Mode::train, .step = step});
  const auto optimizer = make_optimizer(options);
  const TrainerState state = example_state(2, 3);
  const std::vector<std::byte> bytes = encode_checkpoint(original, *optimizer, state);

  Sequential<float> restored(specs, seeds, true);
  const auto restored_optimizer = make_optimizer(options);
  restore_checkpoint(bytes, "test", restored, *restored_optimizer);
  const auto a = original.buffers(), b = restored.buffers();
  ASSERT_EQ(a.size(), 3u);
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(std::memcmp(a[i].value->data(), b[i].value->data(), static_cast<std::size_t>(a[i].value->size()) * sizeof(float)), 0)
        << a[i].name;
  EXPECT_EQ((*b[2].value)[1], 3.0f);
  EXPECT_NE((*b[0].value)[0], 0.0f);
  EXPECT_EQ(restored_optimizer->state().buffers.size(), optimizer->state().buffers.size());

  // Layer norm has the same parameters as batch norm, and no buffers.
  spec.layers[1] = LayerSpec{.kind = LayerKind::layernorm};
  const std::vector<ModelSpec> layer_norm_specs(2, spec);
  Sequential<float> layer_norm(layer_norm_specs, seeds, true);
  const std::vector<std::byte> without = encode_checkpoint(layer_norm, *optimizer, state);
  try {
    restore_checkpoint(without, "layernorm", restored, *restored_optimizer);
    FAIL() << "a checkpoint without running statistics restored";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), "layernorm: the checkpoint has no tensor model.layers.1.running_mean");
  }
}

// Format 4: early stopping's per-member state and each member's best weights.
TEST(Checkpoint, EarlyStoppingStateRoundTrips) {
  Population original(5);
  original.step(2);
  TrainerState state = example_state(4, 2);
  for (std::size_t m = 0; m < 4; ++m) {
    StoppingState s{.last_epoch = 17, .window = {0.5, 0.25 + 1e-17}, .best_error = m == 0 ? std::numeric_limits<double>::infinity() : 0.3,
                    .best_epoch = m == 0 ? -1 : 11, .since_best = 6, .strip_train = {1.0 / 3.0}, .strip_error = std::nan(""),
                    .increases = 2, .stopped_epoch = m == 1 ? 15 : -1};
    state.stopping.push_back(s);
    state.best_metrics.push_back(state.results[m].final_metrics);
    state.stopped_value.push_back(m == 1 ? 0.75 : not_measured);
  }
  for (const auto& parameter : original.model->parameters()) {
    Tensor best = *parameter.value;
    for (Index i = 0; i < best.size(); ++i) best[i] = 0.5f * best[i] + 1.0f;
    state.best_weights.push_back(std::move(best));
  }
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, state);
  Population restored(5);
  const TrainerState back = restore_checkpoint(bytes, "test", *restored.model, *restored.optimizer);
  ASSERT_EQ(back.stopping.size(), 4u);
  for (std::size_t m = 0; m < 4; ++m) {
    const StoppingState &a = state.stopping[m], &b = back.stopping[m];
    EXPECT_EQ(a.last_epoch, b.last_epoch);
    ASSERT_EQ(a.window.size(), b.window.size());
    EXPECT_TRUE(same(a.window[1], b.window[1]));
    EXPECT_TRUE(same(a.best_error, b.best_error));
    EXPECT_EQ(a.best_epoch, b.best_epoch);
    EXPECT_EQ(a.since_best, b.since_best);
    EXPECT_EQ(a.strip_train, b.strip_train);
    EXPECT_TRUE(same(a.strip_error, b.strip_error));
    EXPECT_EQ(a.increases, b.increases);
    EXPECT_EQ(a.stopped_epoch, b.stopped_epoch);
    EXPECT_TRUE(same(state.stopped_value[m], back.stopped_value[m]));
    EXPECT_TRUE(same(state.best_metrics[m].train_loss, back.best_metrics[m].train_loss));
  }
  ASSERT_EQ(back.best_weights.size(), state.best_weights.size());
  for (std::size_t p = 0; p < state.best_weights.size(); ++p)
    EXPECT_EQ(std::memcmp(state.best_weights[p].data(), back.best_weights[p].data(), static_cast<std::size_t>(state.best_weights[p].size()) * sizeof(float)), 0);
  // Without early stopping the checkpoint holds none of it.
  Population plain(5);
  const TrainerState none = restore_checkpoint(encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2)), "test", *plain.model,
                                               *plain.optimizer);
  EXPECT_TRUE(none.stopping.empty());
  EXPECT_TRUE(none.best_weights.empty());
}

// A failed restore changes nothing: the weights stay what they were.
void expect_rejected_untouched(std::span<const std::byte> bytes, Population& target, const std::string& fragment) {
  std::vector<Tensor> before;
  for (const auto& parameter : target.model->parameters()) before.push_back(*parameter.value);
  try {
    restore_checkpoint(bytes, "ckpt", *target.model, *target.optimizer);
    ADD_FAILURE() << "expected an InputError containing '" << fragment << "'";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("ckpt"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
  const auto after = target.model->parameters();
  for (std::size_t p = 0; p < before.size(); ++p)
    EXPECT_EQ(std::memcmp(before[p].data(), after[p].value->data(), static_cast<std::size_t>(before[p].size()) * sizeof(float)), 0);
}

TEST(Checkpoint, ForeignOrMismatchedBytesAreInputErrors) {
  Population original(5);
  original.step(2);
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2));

  Population wider(6);
  expect_rejected_untouched(bytes, wider, "layers.0.weight");
  Population fewer(5, 3);
  expect_rejected_untouched(bytes, fewer, "");
  Population same_shape(5);
  expect_rejected_untouched(std::span(bytes).first(bytes.size() / 2), same_shape, "ckpt");

  std::vector<NamedTensor> weights;
  for (const auto& parameter : original.model->parameters()) weights.push_back({parameter.name, *parameter.value});
  const std::vector<std::byte> model_file = model_file_bytes(weights);
  expect_rejected_untouched(model_file, same_shape, "not an nnlab checkpoint");
}

// A checkpoint of format 3 (before the penalty) still restores, the penalty not measured.
TEST(Checkpoint, FormatThreeStillRestores) {
  Population original(5);
  original.step(2);
  SafetensorsFile file = parse_safetensors(encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2)), "v4");
  nlohmann::json state = nlohmann::json::parse(file.metadata.at("state"));
  const auto downgrade = [](nlohmann::json& metrics) { metrics["values"].erase(metrics["values"].begin() + 12); };
  for (auto& member : state["members"]) downgrade(member["final"]);
  for (auto& metrics : state["current"]) downgrade(metrics);
  file.metadata["state"] = state.dump();
  file.metadata["nnlab_checkpoint"] = "3";
  Population restored(5);
  const TrainerState back =
      restore_checkpoint(safetensors_bytes(std::span<const NamedTensor>(file.tensors), file.metadata), "v3", *restored.model, *restored.optimizer);
  EXPECT_TRUE(std::isnan(back.results[0].final_metrics.penalty));
  EXPECT_TRUE(std::isnan(back.current[3].penalty));
  EXPECT_EQ(back.results[0].final_metrics.updates, 1234.0);
  EXPECT_TRUE(same(back.results[0].final_metrics.train_loss_running, 0.7));
}

// A checkpoint of format 2 (before running/per-class metrics and activation statistics) still
// restores: the fields it did not have read as not measured.
TEST(Checkpoint, FormatTwoStillRestores) {
  Population original(5);
  original.step(2);
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2));
  SafetensorsFile file = parse_safetensors(bytes, "v3");
  nlohmann::json state = nlohmann::json::parse(file.metadata.at("state"));
  const auto downgrade = [](nlohmann::json& metrics) {
    metrics["values"].erase(metrics["values"].begin() + 8, metrics["values"].end());
    for (auto& layer : metrics["layers"]) layer.erase(layer.begin() + 6, layer.end());
    metrics.erase("train_class_accuracy");
    metrics.erase("test_class_accuracy");
  };
  for (auto& member : state["members"]) downgrade(member["final"]);
  for (auto& metrics : state["current"]) downgrade(metrics);
  for (auto& layer : state["layer_stats"]) layer.erase(layer.begin() + 6, layer.end());
  file.metadata["state"] = state.dump();
  file.metadata["nnlab_checkpoint"] = "2";
  const std::vector<std::byte> old_bytes = safetensors_bytes(std::span<const NamedTensor>(file.tensors), file.metadata);

  Population restored(5);
  const TrainerState back = restore_checkpoint(old_bytes, "v2", *restored.model, *restored.optimizer);
  EXPECT_EQ(back.step, 1234);
  EXPECT_TRUE(same(back.results[0].final_metrics.train_loss, 0.1));
  EXPECT_TRUE(std::isnan(back.results[0].final_metrics.train_loss_running));
  EXPECT_TRUE(back.results[0].final_metrics.train_class_accuracy.empty());
  EXPECT_TRUE(std::isnan(back.current[0].layers[0].activation_std));
  EXPECT_TRUE(same(back.layer_stats[7].weight_norm, 5e-324));

  file.metadata["nnlab_checkpoint"] = "1";
  Population other(5);
  expect_rejected_untouched(safetensors_bytes(std::span<const NamedTensor>(file.tensors), file.metadata), other, "format 1");
}

// reduce_on_plateau's per-member state (format 6) survives bit for bit, infinities included; a
// format-4 checkpoint (before it) restores with none.
TEST(Checkpoint, PlateauStateRoundTripsAndFormatFourHasNone) {
  Population original(5);
  original.step(2);
  TrainerState state = example_state(4, 2);
  state.plateau = {PlateauState{.rate = 0.1 * 0.1 * 0.1, .best = 0.3 + 1e-16, .num_bad_epochs = 3, .cooldown_counter = 1, .last_epoch = 17},
                   PlateauState{.rate = 0.05, .best = -std::numeric_limits<double>::infinity()},
                   PlateauState{.rate = 5e-324, .best = std::numeric_limits<double>::quiet_NaN(), .num_bad_epochs = 9},
                   PlateauState{}};
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, state);
  Population restored(5);
  const TrainerState back = restore_checkpoint(bytes, "v5", *restored.model, *restored.optimizer);
  ASSERT_EQ(back.plateau.size(), 4u);
  for (std::size_t m = 0; m < 4; ++m) {
    EXPECT_TRUE(same(back.plateau[m].rate, state.plateau[m].rate)) << m;
    EXPECT_TRUE(same(back.plateau[m].best, state.plateau[m].best)) << m;
    EXPECT_EQ(back.plateau[m].num_bad_epochs, state.plateau[m].num_bad_epochs) << m;
    EXPECT_EQ(back.plateau[m].cooldown_counter, state.plateau[m].cooldown_counter) << m;
    EXPECT_EQ(back.plateau[m].last_epoch, state.plateau[m].last_epoch) << m;
  }

  SafetensorsFile file = parse_safetensors(encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2)), "v5");
  EXPECT_FALSE(nlohmann::json::parse(file.metadata.at("state")).contains("plateau"));
  file.metadata["nnlab_checkpoint"] = "4";
  Population old(5);
  EXPECT_TRUE(restore_checkpoint(safetensors_bytes(std::span<const NamedTensor>(file.tensors), file.metadata), "v4", *old.model, *old.optimizer)
                  .plateau.empty());
}

// Found by the checkpoint fuzz harness: a state whose integers are JSON floats (1e300) or out of
// their type's range was read through a cast, undefined behaviour; each is a malformed state now.
TEST(Checkpoint, StateIntegersMustBeIntegersInRange) {
  Population original(5);
  const std::vector<std::byte> bytes = encode_checkpoint(*original.model, *original.optimizer, example_state(4, 2));
  const SafetensorsFile file = parse_safetensors(bytes, "good");
  const auto with = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json state = nlohmann::json::parse(file.metadata.at("state"));
    change(state);
    SafetensorsMetadata metadata = file.metadata;
    metadata["state"] = state.dump();
    return safetensors_bytes(std::span<const NamedTensor>(file.tensors), metadata);
  };
  const std::vector<std::function<void(nlohmann::json&)>> changes{
      [](nlohmann::json& state) { state["epochs_done"] = 1e300; },
      [](nlohmann::json& state) { state["step"] = 2.5; },
      [](nlohmann::json& state) { state["active"][0] = 300; },
      [](nlohmann::json& state) { state["optimizer_shapes"][0][0] = -1e20; },
      [](nlohmann::json& state) { state["members"][0]["final"]["values"][0] = -1; },
      [](nlohmann::json& state) { state["members"][0]["epochs_run"] = 18446744073709551615u; },
  };
  for (std::size_t c = 0; c < changes.size(); ++c) {
    SCOPED_TRACE(c);
    Population target(5);
    expect_rejected_untouched(with(changes[c]), target, "malformed checkpoint state");
  }
}

}  // namespace
}  // namespace nnlab
