// The experiment file (YAML) as a typed, validated struct. Every key is documented in
// docs/config.md; defaults live here, at the declaration.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/order.hpp"
#include "nn/loss.hpp"
#include "nn/spec.hpp"
#include "optim/options.hpp"
#include "optim/schedule.hpp"
#include "train/options.hpp"
#include "experiment/yaml_fields.hpp"

namespace nnlab {

// One data source: `data.train` or `data.test`.
struct DataSourceConfig {
  std::string source;             // mirror | parity | xor | encoder | spirals | fashion-mnist | mnist | idx | csv
  int bits = 6;                   // mirror (default 6), parity (default 4)
  int size = 8;                   // encoder: n of the n-m-n encoder
  Index points = 97;              // spirals: points per spiral
  double noise = 0.0;             // spirals: Gaussian noise std
  std::string split;              // fashion-mnist | mnist: train | test (default: train for data.train, test for data.test)
  std::filesystem::path images;   // idx
  std::filesystem::path labels;   // idx
  std::filesystem::path path;     // csv
  std::string label_column = "-1";  // csv: index (negative counts from the end) or header name
  std::optional<bool> header;       // csv: is the first row a header; unset = auto (when a cell is a word)
};

struct DataConfig {
  std::optional<DataSourceConfig> train;  // required
  std::optional<DataSourceConfig> test;
  double validation = 0.0;           // fraction of train held out as validation, [0, 1)
  Index train_subset = 0;            // keep this many training examples (0 = all); seeded
  Index test_subset = 0;
  // Multiply inputs; default 1/255 when data.train is fashion-mnist/mnist/idx, 1 otherwise.
  // The parser always fills it in, so the record shows the value used.
  std::optional<double> scale;
  bool standardize = false;          // per-feature, statistics of the training split only
  double random_labels = 0.0;        // fraction of training labels replaced by random classes, [0, 1]
  std::filesystem::path data_dir;    // where `mnist` is looked up (also $NNLAB_DATA_DIR)
};

// Image sources (0-255 pixels) are scaled by 1/255 unless data.scale says otherwise; others by 1.
double default_input_scale(std::string_view source);

// What the report shows beyond its defaults.
struct ReportConfig {
  std::optional<Index> tsne_layer;  // config layer whose test-set outputs the t-SNE map shows; default the last hidden
};

struct ExperimentConfig {
  std::filesystem::path file;        // where it was read from ("" for a string)
  std::string name;                  // default: the file's stem
  std::uint64_t seed = 0;
  Index replicates = 1;              // members with seeds seed, seed+1, ...; >= 1
  DataConfig data;
  ModelSpec model;                   // model.inputs = 0: taken from the data
  std::filesystem::path model_from;  // model.from: start every member from these safetensors weights
  LossSpec loss;
  OptimizerOptions optimizer;
  ScheduleSpec schedule;
  TrainConfig train;
  SuccessConfig success;
  ReportConfig report;
  std::string resolved_yaml;         // the config after --set overrides, for records
};

// Reads and validates an experiment file. `overrides` are "dotted.key=value" strings
// (`--set`), applied to the YAML tree before validation; the value is parsed as YAML
// ("0.5", "[1, 2]", "sigmoid"). Any problem -> InputError "<file>: <key>: <reason>",
// unknown keys with a "did you mean '<closest>'?" suggestion. Relative paths in the file are
// resolved against the directory of `origin` (for load_experiment: the file's directory).
ExperimentConfig load_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
ExperimentConfig parse_experiment(const std::string& yaml_text, const std::string& origin,
                                  const std::vector<std::string>& overrides = {});

// The two halves of parse_experiment, for the sweep planner: the YAML tree after the
// overrides (their keys are recorded in origin.overridden_keys), and a tree to a config.
YAML::Node resolve_experiment_tree(const std::string& yaml_text, YamlOrigin& origin, const std::vector<std::string>& overrides);
ExperimentConfig experiment_from_tree(const YAML::Node& root, const YamlOrigin& origin);
// The file's text, or an InputError naming it.
std::string read_experiment_text(const std::filesystem::path& file);

}  // namespace nnlab
