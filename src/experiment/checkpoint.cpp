#include "experiment/checkpoint.hpp"
#include "experiment/record_json.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/json_integers.hpp"
#include "optim/update_rules.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// 7: pruning's masks, rewind weights and rounds; 6: reduce_on_plateau's state; 5: snapshot ensembles; 4: early stopping and the penalty; 3: running and per-class
// metrics, activation statistics
constexpr const char* format_version = "7";
// Format 2 held the first 8 metrics and 6 layer statistics of the lists below, format 3 the
// first 12 metrics; they read with the rest absent.
constexpr std::size_t format_2_metrics = 8, format_3_metrics = 12, format_2_layer_stats = 6;

// Every double of a record, in one fixed order (new fields at the end); adding a field to
// LayerStats or EpochMetrics trips the static_asserts until it is listed here too.
std::array<double*, 8> fields_of(LayerStats& stats) {
  return {&stats.weight_norm, &stats.gradient_norm,      &stats.update_ratio,    &stats.weight_l1,
          &stats.dead_fraction, &stats.saturated_fraction, &stats.activation_mean, &stats.activation_std};
}
static_assert(sizeof(LayerStats) == 8 * sizeof(double), "list the new LayerStats field in fields_of");

std::array<double*, 13> fields_of(EpochMetrics& metrics) {
  return {&metrics.train_loss,         &metrics.train_accuracy,         &metrics.validation_loss, &metrics.validation_accuracy,
          &metrics.test_loss,          &metrics.test_accuracy,          &metrics.learning_rate,   &metrics.gradient_norm,
          &metrics.train_loss_running, &metrics.train_accuracy_running, &metrics.epoch_seconds,   &metrics.updates,
          &metrics.penalty};
}
static_assert(sizeof(EpochMetrics) == sizeof(std::int64_t) + 13 * sizeof(double) + 3 * sizeof(std::vector<double>),
              "list the new EpochMetrics field in fields_of");

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }
double from_bits(const json& value) { return std::bit_cast<double>(json_integer<std::uint64_t>(value)); }

json encode_doubles(std::span<const double> values);
std::vector<double> decode_doubles(const json& in);
json encode_stopping(const TrainerState& state);
void decode_stopping(const json& in, TrainerState& state);
json encode_plateau(const std::vector<PlateauState>& plateau);
std::vector<PlateauState> decode_plateau(const json& in);
json encode_prune_rounds(const std::vector<std::vector<PruneRound>>& members);
std::vector<std::vector<PruneRound>> decode_prune_rounds(const json& in);

json encode(LayerStats stats) {
  json out = json::array();
  for (const double* field : fields_of(stats)) out.push_back(bits(*field));
  return out;
}

// A record of `fields`, or of an older format's first `older` of them.
template <std::size_t N>
void decode_fields(const json& in, const std::array<double*, N>& fields, std::initializer_list<std::size_t> older, const char* what) {
  if (in.size() != fields.size() && std::ranges::find(older, in.size()) == older.end()) throw std::invalid_argument(fmt::format("a {} record has the wrong length", what));
  for (std::size_t i = 0; i < in.size(); ++i) *fields[i] = from_bits(in[i]);
}

LayerStats decode_layer(const json& in) {
  LayerStats stats;
  decode_fields(in, fields_of(stats), {format_2_layer_stats}, "layer");
  return stats;
}

json encode(EpochMetrics metrics) {
  json values = json::array();
  for (const double* field : fields_of(metrics)) values.push_back(bits(*field));
  json layers = json::array();
  for (const LayerStats& stats : metrics.layers) layers.push_back(encode(stats));
  return {{"epoch", metrics.epoch}, {"values", values}, {"layers", layers},
          {"train_class_accuracy", encode_doubles(metrics.train_class_accuracy)},
          {"test_class_accuracy", encode_doubles(metrics.test_class_accuracy)}};
}

EpochMetrics decode_metrics(const json& in) {
  EpochMetrics metrics;
  metrics.epoch = json_integer<std::int64_t>(in.at("epoch"));
  decode_fields(in.at("values"), fields_of(metrics), {format_2_metrics, format_3_metrics}, "metrics");
  for (const json& layer : in.at("layers")) metrics.layers.push_back(decode_layer(layer));
  if (in.contains("train_class_accuracy")) metrics.train_class_accuracy = decode_doubles(in.at("train_class_accuracy"));
  if (in.contains("test_class_accuracy")) metrics.test_class_accuracy = decode_doubles(in.at("test_class_accuracy"));
  return metrics;
}

json encode_doubles(std::span<const double> values) {
  json out = json::array();
  for (const double value : values) out.push_back(bits(value));
  return out;
}

std::vector<double> decode_doubles(const json& in) {
  std::vector<double> out;
  for (const json& value : in) out.push_back(from_bits(value));
  return out;
}

json encode_state(const TrainerState& state, const OptimizerState& optimizer) {
  json members = json::array();
  for (const MemberResult& result : state.results)
    members.push_back({{"epochs_run", result.epochs_run},
                       {"diverged", result.diverged},
                       {"diverged_epoch", result.diverged_epoch},
                       {"success_epoch", result.success_epoch ? json(*result.success_epoch) : json(nullptr)},
                       {"final", encode(result.final_metrics)}});
  json current = json::array();
  for (const EpochMetrics& metrics : state.current) current.push_back(encode(metrics));
  json layer_stats = json::array();
  for (const LayerStats& stats : state.layer_stats) layer_stats.push_back(encode(stats));
  json out = {{"epochs_done", state.epochs_done},
          {"step", state.step},
          {"active", state.active},
          {"members", members},
          {"current", current},
          {"layer_stats", layer_stats},
          {"last_gradient_norm", encode_doubles(state.last_gradient_norm)},
          {"last_step_rate", encode_doubles(state.last_step_rate)},
          {"optimizer_steps", optimizer.steps},
          {"optimizer_shapes", optimizer.shapes}};
  if (!state.stopping.empty()) out["early_stopping"] = encode_stopping(state);
  if (!state.snapshot_counts.empty())  // the snapshots' weights are tensors snapshot_ensemble.{k}.*
    out["snapshot_ensemble"] = {{"counts", state.snapshot_counts}, {"steps", state.snapshot_steps}};
  if (!state.plateau.empty()) out["plateau"] = encode_plateau(state.plateau);
  if (!state.prune_masks.empty()) out["prune"] = encode_prune_rounds(state.prune_rounds);  // masks and rewind: tensors prune.*
  return out;
}

TrainerState decode_state(const json& in) {
  TrainerState state;
  state.epochs_done = json_integer<std::int64_t>(in.at("epochs_done"));
  state.step = json_integer<std::int64_t>(in.at("step"));
  state.active = json_integers<std::uint8_t>(in.at("active"));
  for (const json& member : in.at("members")) {
    MemberResult result;
    result.epochs_run = json_integer<std::int64_t>(member.at("epochs_run"));
    result.diverged = member.at("diverged").get<bool>();
    result.diverged_epoch = json_integer<std::int64_t>(member.at("diverged_epoch"));
    if (!member.at("success_epoch").is_null()) result.success_epoch = json_integer<std::int64_t>(member.at("success_epoch"));
    result.final_metrics = decode_metrics(member.at("final"));
    state.results.push_back(std::move(result));
  }
  for (const json& metrics : in.at("current")) state.current.push_back(decode_metrics(metrics));
  for (const json& stats : in.at("layer_stats")) state.layer_stats.push_back(decode_layer(stats));
  state.last_gradient_norm = decode_doubles(in.at("last_gradient_norm"));
  state.last_step_rate = decode_doubles(in.at("last_step_rate"));
  if (in.contains("early_stopping")) decode_stopping(in.at("early_stopping"), state);
  if (in.contains("snapshot_ensemble")) {
    const json& ensemble = in.at("snapshot_ensemble");
    state.snapshot_counts = json_integers<std::int64_t>(ensemble.at("counts"));
    state.snapshot_steps = json_integers<std::int64_t>(ensemble.at("steps"));
  }
  if (in.contains("plateau")) state.plateau = decode_plateau(in.at("plateau"));
  if (in.contains("prune")) state.prune_rounds = decode_prune_rounds(in.at("prune"));
  return state;
}

// train.prune's records per member and round; absent before format 7 and without it.
json encode_prune_rounds(const std::vector<std::vector<PruneRound>>& members) {
  json out = json::array();
  for (const std::vector<PruneRound>& rounds : members) {
    json member = json::array();
    for (const PruneRound& r : rounds)
      member.push_back({{"remaining", bits(r.remaining)}, {"layer_remaining", encode_doubles(r.layer_remaining)},
                        {"test_accuracy", bits(r.test_accuracy)}, {"validation_loss", bits(r.validation_loss)},
                        {"early_stop_epoch", r.early_stop_epoch}, {"best_validation_loss", bits(r.best_validation_loss)},
                        {"early_stop_test_accuracy", bits(r.early_stop_test_accuracy)}, {"epochs", r.epochs},
                        {"first_layer_kept", r.first_layer_kept}});
    out.push_back(std::move(member));
  }
  return out;
}

std::vector<std::vector<PruneRound>> decode_prune_rounds(const json& in) {
  std::vector<std::vector<PruneRound>> members;
  for (const json& member : in) {
    std::vector<PruneRound>& rounds = members.emplace_back();
    for (const json& r : member)
      rounds.push_back(PruneRound{.remaining = from_bits(r.at("remaining")),
                                  .layer_remaining = decode_doubles(r.at("layer_remaining")),
                                  .test_accuracy = from_bits(r.at("test_accuracy")),
                                  .validation_loss = from_bits(r.at("validation_loss")),
                                  .early_stop_epoch = json_integer<std::int64_t>(r.at("early_stop_epoch")),
                                  .best_validation_loss = from_bits(r.at("best_validation_loss")),
                                  .early_stop_test_accuracy = from_bits(r.at("early_stop_test_accuracy")),
                                  .epochs = json_integer<std::int64_t>(r.at("epochs")),
                                  .first_layer_kept = json_integers<std::int64_t>(r.at("first_layer_kept"))});
  }
  return members;
}

// reduce_on_plateau's per-member state; absent before format 5 and without that schedule.
json encode_plateau(const std::vector<PlateauState>& plateau) {
  json members = json::array();
  for (const PlateauState& p : plateau)
    members.push_back({{"rate", bits(p.rate)},
                       {"best", bits(p.best)},
                       {"num_bad_epochs", p.num_bad_epochs},
                       {"cooldown_counter", p.cooldown_counter},
                       {"last_epoch", p.last_epoch}});
  return members;
}

std::vector<PlateauState> decode_plateau(const json& in) {
  std::vector<PlateauState> plateau;
  for (const json& member : in)
    plateau.push_back(PlateauState{.rate = from_bits(member.at("rate")),
                                   .best = from_bits(member.at("best")),
                                   .num_bad_epochs = json_integer<std::int64_t>(member.at("num_bad_epochs")),
                                   .cooldown_counter = json_integer<std::int64_t>(member.at("cooldown_counter")),
                                   .last_epoch = json_integer<std::int64_t>(member.at("last_epoch"))});
  return plateau;
}

// train.early_stopping's per-member state; absent from formats 2 and 3 and without it.
json encode_stopping(const TrainerState& state) {
  json members = json::array();
  for (std::size_t m = 0; m < state.stopping.size(); ++m) {
    const StoppingState& s = state.stopping[m];
    members.push_back({{"last_epoch", s.last_epoch},
                       {"window", encode_doubles(s.window)},
                       {"best_error", bits(s.best_error)},
                       {"best_epoch", s.best_epoch},
                       {"since_best", s.since_best},
                       {"strip_train", encode_doubles(s.strip_train)},
                       {"strip_error", bits(s.strip_error)},
                       {"increases", s.increases},
                       {"stopped_epoch", s.stopped_epoch},
                       {"stopped_value", bits(state.stopped_value.at(m))},
                       {"best_metrics", encode(state.best_metrics.at(m))}});
  }
  return members;
}

void decode_stopping(const json& in, TrainerState& state) {
  for (const json& member : in) {
    StoppingState s;
    s.last_epoch = json_integer<std::int64_t>(member.at("last_epoch"));
    s.window = decode_doubles(member.at("window"));
    s.best_error = from_bits(member.at("best_error"));
    s.best_epoch = json_integer<std::int64_t>(member.at("best_epoch"));
    s.since_best = json_integer<std::int64_t>(member.at("since_best"));
    s.strip_train = decode_doubles(member.at("strip_train"));
    s.strip_error = from_bits(member.at("strip_error"));
    s.increases = json_integer<std::int64_t>(member.at("increases"));
    s.stopped_epoch = json_integer<std::int64_t>(member.at("stopped_epoch"));
    state.stopping.push_back(std::move(s));
    state.stopped_value.push_back(from_bits(member.at("stopped_value")));
    state.best_metrics.push_back(decode_metrics(member.at("best_metrics")));
  }
}

std::string best_weight_name(const std::string& parameter) { return "early_stopping.best." + parameter; }

// Snapshot k's copy of a parameter or buffer "layers.{i}.*".
std::string snapshot_name(std::size_t k, const std::string& weight) { return fmt::format("snapshot_ensemble.{}.{}", k, weight); }

// Pruning's mask of a weight, and the copy a member rewinds to of a parameter or buffer.
std::string prune_mask_name(const std::string& weight) { return "prune.mask." + weight; }
std::string prune_rewind_name(const std::string& weight) { return "prune.rewind." + weight; }

std::string buffer_name(std::size_t parameter, int buffer) { return fmt::format("optimizer.{}.{}", parameter, buffer); }

}  // namespace

nlohmann::json encode_epoch_metrics(const EpochMetrics& metrics) { return encode(metrics); }
EpochMetrics decode_epoch_metrics(const nlohmann::json& in) { return decode_metrics(in); }
nlohmann::json encode_bit_doubles(std::span<const double> values) { return encode_doubles(values); }
std::vector<double> decode_bit_doubles(const nlohmann::json& in) { return decode_doubles(in); }
nlohmann::json encode_member_prune_rounds(const std::vector<std::vector<PruneRound>>& members) { return encode_prune_rounds(members); }
std::vector<std::vector<PruneRound>> decode_member_prune_rounds(const nlohmann::json& in) { return decode_prune_rounds(in); }

CheckpointContents snapshot(Sequential<float>& model, const Optimizer& optimizer, const TrainerState& state) {
  CheckpointContents contents{.weights = {}, .optimizer = optimizer.state(), .trainer = state};
  for (const auto& parameter : model.parameters()) contents.weights.push_back(NamedTensor{parameter.name, *parameter.value});
  for (const auto& buffer : model.buffers()) contents.weights.push_back(NamedTensor{buffer.name, *buffer.value});
  if (!state.prune_masks.empty())
    for (const auto& parameter : model.parameters())
      if (parameter.is_weight()) contents.pruned.push_back(parameter.name);
  return contents;
}

std::vector<std::byte> encode_checkpoint(const CheckpointContents& contents) {
  std::vector<NamedTensorView> tensors;
  for (const NamedTensor& weight : contents.weights)
    tensors.push_back(NamedTensorView{"model." + weight.name, weight.value.shape(), weight.value.span()});
  // Best weights are in the order of the model's parameters, as contents.weights.
  for (std::size_t p = 0; p < contents.trainer.best_weights.size(); ++p) {
    const Tensor& best = contents.trainer.best_weights[p];
    tensors.push_back(NamedTensorView{best_weight_name(contents.weights.at(p).name), best.shape(), best.span()});
  }
  // Snapshots hold parameters then buffers, as contents.weights.
  for (std::size_t k = 0; k < contents.trainer.snapshots.size(); ++k)
    for (std::size_t p = 0; p < contents.trainer.snapshots[k].size(); ++p) {
      const Tensor& kept = contents.trainer.snapshots[k][p];
      tensors.push_back(NamedTensorView{snapshot_name(k, contents.weights.at(p).name), kept.shape(), kept.span()});
    }
  // Masks are of the weight parameters (not biases or gains), the rewind copy of every parameter
  // then buffer, each in the order of contents.weights.
  if (!contents.trainer.prune_masks.empty()) {
    const TrainerState& trainer = contents.trainer;
    if (trainer.prune_masks.size() != contents.pruned.size() || trainer.prune_rewind.size() != contents.weights.size())
      throw std::logic_error("encode_checkpoint: the pruning state does not match the model");
    for (std::size_t i = 0; i < trainer.prune_masks.size(); ++i)
      tensors.push_back(NamedTensorView{prune_mask_name(contents.pruned[i]), trainer.prune_masks[i].shape(), trainer.prune_masks[i].span()});
    for (std::size_t p = 0; p < contents.weights.size(); ++p)
      tensors.push_back(NamedTensorView{prune_rewind_name(contents.weights[p].name), trainer.prune_rewind[p].shape(), trainer.prune_rewind[p].span()});
  }
  for (const auto& buffer : contents.optimizer.buffers)
    tensors.push_back(NamedTensorView{buffer_name(buffer.parameter, buffer.index), buffer.value.shape(), buffer.value.span()});
  const SafetensorsMetadata metadata{{"nnlab_checkpoint", format_version},
                                     {"state", encode_state(contents.trainer, contents.optimizer).dump()}};
  return safetensors_bytes(std::span<const NamedTensorView>(tensors), metadata);
}

std::vector<std::byte> encode_checkpoint(Sequential<float>& model, const Optimizer& optimizer, const TrainerState& state) {
  return encode_checkpoint(snapshot(model, optimizer, state));
}

TrainerState restore_checkpoint(std::span<const std::byte> bytes, const std::string& source, Sequential<float>& model,
                                Optimizer& optimizer) {
  const SafetensorsFile file = parse_safetensors(bytes, source);
  const auto version = file.metadata.find("nnlab_checkpoint");
  if (version == file.metadata.end() || !file.metadata.contains("state"))
    throw InputError(fmt::format("{}: not an nnlab checkpoint", source));
  if (version->second != format_version && version->second != "6" && version->second != "5" && version->second != "4" && version->second != "3" && version->second != "2")
    throw InputError(fmt::format("{}: checkpoint format {} is not 2, 3, 4, 5, 6 or {}, the ones this nnlab reads", source, version->second, format_version));
  std::map<std::string, const Tensor*> tensors;
  for (const NamedTensor& tensor : file.tensors) tensors.emplace(tensor.name, &tensor.value);
  const auto tensor = [&](const std::string& name, const Shape& shape) -> const Tensor& {
    const auto found = tensors.find(name);
    if (found == tensors.end()) throw InputError(fmt::format("{}: the checkpoint has no tensor {}", source, name));
    if (found->second->shape() != shape)
      throw InputError(fmt::format("{}: {} is {} in the checkpoint but {} here", source, name, to_string(found->second->shape()),
                                   to_string(shape)));
    return *found->second;
  };

  TrainerState state;
  OptimizerState optimizer_state;
  try {
    const json document = json::parse(file.metadata.at("state"));
    state = decode_state(document);
    optimizer_state.steps = json_integers<std::int64_t>(document.at("optimizer_steps"));
    for (const json& shape : document.at("optimizer_shapes")) optimizer_state.shapes.push_back(json_integers<Index>(shape));
  } catch (const std::exception& error) {
    throw InputError(fmt::format("{}: malformed checkpoint state: {}", source, shown_value(error.what(), 2 * shown_value_limit)));
  }
  // Buffers are named optimizer.{p}.{b}: every such tensor is one, checked by restore.
  for (std::size_t p = 0; p < optimizer_state.shapes.size(); ++p)
    for (int b = 0; b < max_optimizer_buffers; ++b)
      if (tensors.contains(buffer_name(p, b)))
        optimizer_state.buffers.push_back(
            OptimizerState::Buffer{.parameter = p, .index = b, .value = tensor(buffer_name(p, b), optimizer_state.shapes[p])});
  // Check everything before changing anything.
  std::vector<std::pair<Tensor*, const Tensor*>> copies;
  for (const auto& parameter : model.parameters()) {
    copies.emplace_back(parameter.value, &tensor("model." + parameter.name, parameter.value->shape()));
    if (tensors.contains(best_weight_name(parameter.name)))
      state.best_weights.push_back(tensor(best_weight_name(parameter.name), parameter.value->shape()));
  }
  // restore_best keeps the buffers' best values too (batch norm's running statistics), after the
  // parameters' (train/early_stopping.cpp, weight_tensors).
  for (const auto& buffer : model.buffers()) {
    copies.emplace_back(buffer.value, &tensor("model." + buffer.name, buffer.value->shape()));
    if (tensors.contains(best_weight_name(buffer.name)))
      state.best_weights.push_back(tensor(best_weight_name(buffer.name), buffer.value->shape()));
  }
  if (!state.best_weights.empty() && state.best_weights.size() != copies.size())
    throw InputError(fmt::format("{}: the checkpoint has best values for {} of {} parameters and buffers", source, state.best_weights.size(),
                                 copies.size()));
  for (std::size_t k = 0; k < state.snapshot_steps.size(); ++k) {
    std::vector<Tensor>& kept = state.snapshots.emplace_back();
    for (const auto& parameter : model.parameters()) kept.push_back(tensor(snapshot_name(k, parameter.name), parameter.value->shape()));
    for (const auto& buffer : model.buffers()) kept.push_back(tensor(snapshot_name(k, buffer.name), buffer.value->shape()));
  }
  if (!state.prune_rounds.empty()) {  // format 7 with train.prune
    for (const auto& parameter : model.parameters())
      if (parameter.is_weight()) state.prune_masks.push_back(tensor(prune_mask_name(parameter.name), parameter.value->shape()));
    for (const auto& parameter : model.parameters()) state.prune_rewind.push_back(tensor(prune_rewind_name(parameter.name), parameter.value->shape()));
    for (const auto& buffer : model.buffers()) state.prune_rewind.push_back(tensor(prune_rewind_name(buffer.name), buffer.value->shape()));
  }
  try {
    optimizer.restore(optimizer_state);
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("{}: {}", source, error.what()));
  }
  for (auto& [target, value] : copies) std::copy_n(value->data(), value->size(), target->data());
  return state;
}

}  // namespace nnlab
