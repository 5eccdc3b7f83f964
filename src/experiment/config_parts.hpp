// The typed values an experiment file's keys take, checked once with messages that name the
// key and the value (the config parser's shared vocabulary; one reader per section in
// config_data_model.cpp, config_training.cpp and config_schedule.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/yaml_fields.hpp"

namespace nnlab::config_parts {

using Keys = std::vector<std::string_view>;

double positive(const Field& field);
double non_negative(const Field& field);
double in_closed_unit_interval(const Field& field);
double in_half_open_unit_interval(const Field& field);
std::int64_t integer_at_least(const Field& field, std::int64_t minimum);
std::int64_t integer_between(const Field& field, std::int64_t minimum, std::int64_t maximum);
// Relative paths are relative to the experiment file's directory.
std::filesystem::path path_value(const Field& field, const std::filesystem::path& base_dir);
// `name` stands for {key: name}: `train: mirror`, `loss: sse`, `optimizer: adam`.
Field expand_shorthand(const Field& field, std::string_view key);

// The sections of the file, each read and validated in one place.
DataConfig read_data(const Field& field, const std::filesystem::path& base_dir);
void read_model(const Field& field, const std::filesystem::path& base_dir, ExperimentConfig& config);
LossSpec read_loss(const Field& field);
OptimizerOptions read_optimizer(const Field& field, std::size_t layer_count);
// optimizer: its lr is the lower bound of a cyclic schedule without its own base_lr, its kind
// says what a momentum cycle cycles; data: what a reduce_on_plateau monitor may watch.
ScheduleSpec read_schedule(const Field& field, const OptimizerOptions& optimizer, const DataConfig& data);
// A monitor's name (validation_loss, ..., train_accuracy); a validation or test metric needs
// that set in `data`.
MonitorKind read_monitor(const Field& field, const DataConfig& data);
TrainConfig read_train(const Field& field, const DataConfig& data);
SuccessConfig read_success(const Field& field, const DataConfig& data);
ReportConfig read_report(const Field& field, std::size_t layers);
// After train and schedule: sets config.train.prune, config.train.epochs to (rounds + 1) × a
// round's (train.epochs as written) and config.train.schedule_restart to a round's.
void read_prune(const Field& field, ExperimentConfig& config);
// The top-level `adversarial:` section; eval_eps needs a test set or a validation split.
AdversarialConfig read_adversarial(const Field& field, const DataConfig& data);
// data.augment and train.mixup into config.train, after the loss and train sections are read
// (they need mini-batches; mixup sets loss.soft_targets for cross_entropy).
void read_batch_rewrites(const Field& data, const Field& train, ExperimentConfig& config);

}  // namespace nnlab::config_parts
