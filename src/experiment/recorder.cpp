#include "experiment/recorder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/histogram.hpp"
#include "experiment/weights_file.hpp"

namespace nnlab {

RunRecorder::RunRecorder(RunWriter& store, RunId run, Index first_member, RecorderSetup setup, TrainObserver* next,
                         std::chrono::milliseconds flush_interval)
    : store_(store),
      run_(run),
      first_member_(first_member),
      next_(next),
      log_every_(setup.log_every),
      population_members_(setup.population_members),
      member_offset_(setup.member_offset),
      snapshot_epochs_(std::move(setup.snapshot_epochs)),
      snapshot_members_(std::move(setup.snapshot_members)),
      classes_(setup.classes),
      layers_(setup.layers),
      flush_interval_(flush_interval) {
  names_.assign(std::begin(metric_names), std::end(metric_names));
  names_.insert(names_.end(), std::begin(first_member_metric_names), std::end(first_member_metric_names));
  for (int layer = 0; layer < layers_; ++layer)
    for (const char* stat : layer_stat_names) names_.push_back(fmt::format("layers.{}.{}", layer, stat));
  class_metrics_ = names_.size();
  for (const char* set : {"train", "test"})
    for (Index c = 0; c < classes_; ++c) names_.push_back(fmt::format("{}_class_accuracy.{}", set, c));
}

void RunRecorder::on_train_begin(Index members, std::int64_t epochs, Index batches_per_epoch) {
  last_flush_ = std::chrono::steady_clock::now();
  recorded_final_.assign(static_cast<std::size_t>(members), 0);
  epochs_ = epochs;
  log_every_ = resolved_log_every(log_every_, epochs, population_members_ > 0 ? population_members_ : members);
  members_ = members;
  row_epochs_.clear();
  row_values_.assign(names_.size(), {});
  row_present_.assign(names_.size(), {});
  loose_.clear();
  if (next_) next_->on_train_begin(members, epochs, batches_per_epoch);
}

void RunRecorder::on_batch_end(std::int64_t epoch, Index batch) {
  if (next_) next_->on_batch_end(epoch, batch);
}

void RunRecorder::record(std::size_t metric, std::size_t member, std::int64_t epoch, double value, bool in_row) {
  if (!in_row) {
    loose_.push_back(Loose{metric, member, epoch, static_cast<float>(value)});
    return;
  }
  const std::size_t at = (row_epochs_.size() - 1) * static_cast<std::size_t>(members_) + member;
  row_values_[metric][at] = static_cast<float>(value);
  row_present_[metric][at] = 1;
}

void RunRecorder::on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) {
  constexpr std::size_t fields = std::size(metric_names);
  const bool logged_epoch = epoch == 0 || epoch == epochs_ || epoch % log_every_ == 0;
  if (logged_epoch) {
    row_epochs_.push_back(epoch);
    const std::size_t size = row_epochs_.size() * static_cast<std::size_t>(members_);
    for (std::size_t metric = 0; metric < names_.size(); ++metric) {
      row_values_[metric].resize(size);
      row_present_[metric].resize(size, 0);
    }
  }
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    if (!logged_epoch && active[m]) continue;
    // A member that diverged or stopped this epoch is recorded one last time, then no more.
    if (!active[m]) {
      if (recorded_final_[m] || metrics[m].epoch != epoch) continue;
      recorded_final_[m] = 1;
    }
    const EpochMetrics& e = metrics[m];
    const double values[fields] = {e.train_loss,      e.train_accuracy,      e.train_loss_running, e.train_accuracy_running,
                                   e.validation_loss, e.validation_accuracy, e.test_loss,          e.test_accuracy,
                                   e.learning_rate,   e.gradient_norm,       e.penalty};
    // Absent measurements (no test set, epoch 0's learning rate) are left out; a NaN loss is kept.
    for (std::size_t f = 0; f < fields; ++f)
      if (!std::isnan(values[f]) || f == 0) record(f, m, epoch, values[f], logged_epoch);
    std::size_t next = fields;
    if (m == 0 && member_offset_ == 0) {  // the population's member 0
      const double shared[] = {e.epoch_seconds, e.updates};
      for (std::size_t k = 0; k < std::size(shared); ++k)
        if (!std::isnan(shared[k])) record(next + k, m, epoch, shared[k], logged_epoch);
    }
    next += std::size(first_member_metric_names);
    constexpr std::size_t per_layer = std::size(layer_stat_names);
    for (std::size_t layer = 0; layer < e.layers.size() && layer < static_cast<std::size_t>(layers_); ++layer) {
      const LayerStats& stats = e.layers[layer];
      const double layer_values[per_layer] = {stats.weight_norm,   stats.gradient_norm,      stats.update_ratio,    stats.weight_l1,
                                              stats.dead_fraction, stats.saturated_fraction, stats.activation_mean, stats.activation_std};
      for (std::size_t k = 0; k < per_layer; ++k)
        if (!std::isnan(layer_values[k])) record(next + per_layer * layer + k, m, epoch, layer_values[k], logged_epoch);
    }
    const auto classes = static_cast<std::size_t>(classes_);
    const std::vector<double>* per_class[] = {&e.train_class_accuracy, &e.test_class_accuracy};
    for (std::size_t set = 0; set < 2; ++set)
      for (std::size_t c = 0; c < per_class[set]->size() && c < classes; ++c)
        if (const double value = (*per_class[set])[c]; !std::isnan(value)) record(class_metrics_ + set * classes + c, m, epoch, value, logged_epoch);
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= flush_interval_) flush();
  if (next_) next_->on_epoch_end(epoch, metrics, active);
}

void RunRecorder::hand_over() {
  const auto members = static_cast<std::size_t>(members_);
  std::vector<std::vector<std::size_t>> loose_of(names_.size() * members);  // indices into loose_
  for (std::size_t i = 0; i < loose_.size(); ++i) loose_of[loose_[i].metric * members + loose_[i].member].push_back(i);
  std::vector<Epoch> epochs;
  std::vector<float> values;
  for (std::size_t metric = 0; metric < names_.size(); ++metric) {
    for (std::size_t m = 0; m < members; ++m) {
      epochs.clear();
      values.clear();
      for (std::size_t row = 0; row < row_epochs_.size(); ++row) {
        const std::size_t at = row * members + m;
        if (!row_present_[metric][at]) continue;
        epochs.push_back(row_epochs_[row]);
        values.push_back(row_values_[metric][at]);
      }
      for (const std::size_t i : loose_of[metric * members + m]) {
        epochs.push_back(loose_[i].epoch);
        values.push_back(loose_[i].value);
      }
      if (!values.empty()) store_.append_series(run_, first_member_ + static_cast<Index>(m), names_[metric], epochs, values);
    }
    row_values_[metric].clear();
    row_present_[metric].clear();
  }
  row_epochs_.clear();
  loose_.clear();
}

void RunRecorder::on_resume(std::int64_t epochs_done, std::span<const std::uint8_t> active) {
  // Members that stopped before the checkpoint had their last epoch recorded then.
  for (std::size_t m = 0; m < active.size() && m < recorded_final_.size(); ++m) recorded_final_[m] = active[m] == 0;
  if (next_) next_->on_resume(epochs_done, active);
}

bool RunRecorder::wants_model(std::int64_t epoch) {
  if (!snapshot_epochs_.empty()) return std::binary_search(snapshot_epochs_.begin(), snapshot_epochs_.end(), epoch);
  if (epoch == 0 || epoch == epochs_) return true;
  std::int64_t power = 1;
  while (power < epoch) power *= 10;
  return power == epoch;
}

void RunRecorder::on_model(std::int64_t epoch, Sequential<float>& model, std::span<const Tensor> step_start) {
  constexpr int bins = 40;
  const auto entry = [&](std::size_t layer, std::span<const float> values) {
    const Histogram histogram = make_histogram(values, bins);
    return nlohmann::json{{"layer", layer}, {"low", histogram.low}, {"high", histogram.high}, {"counts", histogram.counts},
                          {"nonfinite", histogram.nonfinite}};
  };
  const std::vector<ParameterRef<float>> parameters = model.parameters();
  const auto outputs = model.layer_outputs();
  const std::string name = fmt::format("epoch-{}", epoch);
  for (const Index member : snapshot_members_) {
    if (member < 0 || member >= model.population()) continue;
    const Index run_member = first_member_ + member;
    nlohmann::json weights = nlohmann::json::array(), activations = nlohmann::json::array();
    for (const auto& parameter : parameters) {
      if (!parameter.is_weight()) continue;  // a weight-normalised layer: v, not g
      weights.push_back(entry(static_cast<std::size_t>(parameter.layer_index),
                              std::span(parameter.value->slice(member), static_cast<std::size_t>(parameter.value->slice_size()))));
    }
    for (std::size_t layer = 0; layer < outputs.size(); ++layer)
      if (const Tensor* output = outputs[layer]; output != nullptr && output->rank() == 3)
        activations.push_back(entry(layer, std::span(output->slice(member), static_cast<std::size_t>(output->slice_size()))));
    const nlohmann::json document{{"epoch", epoch}, {"member", run_member}, {"weights", weights}, {"activations", activations}};
    store_.keep_artefact(run_, ArtefactLabel{.member = run_member, .kind = "histograms", .name = name, .epoch = epoch},
                        text_bytes(document.dump()));
    // The weights themselves at these epochs (safetensors, PyTorch layout), for later study, and
    // the last step's change ΔW = W − W_before (same names).
    store_.keep_artefact(run_, ArtefactLabel{.member = run_member, .kind = "snapshot", .name = name, .epoch = epoch},
                        member_weights_bytes(model, member, member_offset_ + member));
    if (step_start.size() == parameters.size())
      store_.keep_artefact(run_, ArtefactLabel{.member = run_member, .kind = "update", .name = name, .epoch = epoch},
                          member_update_bytes(model, step_start, member));
  }
}

void RunRecorder::flush() {
  hand_over();
  if (auto artefact = companion_ ? companion_->take() : std::nullopt) {
    store_.flush_with_artefact(run_, artefact->first, artefact->second);
  } else {
    store_.flush();
  }
  last_flush_ = std::chrono::steady_clock::now();
}

void RunRecorder::on_train_end() {
  flush();
  if (next_) next_->on_train_end();
}

}  // namespace nnlab
