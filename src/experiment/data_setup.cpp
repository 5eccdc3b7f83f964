#include "experiment/data_setup.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/error.hpp"
#include "data/augment.hpp"
#include "data/csv.hpp"
#include "data/idx.hpp"
#include "data/named.hpp"
#include "data/synthetic.hpp"
#include "data/transforms.hpp"

namespace nnlab {
namespace {

Dataset load_source(const ExperimentConfig& config, const DataSourceConfig& source, const std::string& key, const std::string& default_split) {
  const std::string origin = config.file.empty() ? std::string("<config>") : config.file.string();
  try {
    if (source.source == "mirror") return make_mirror(source.bits);
    if (source.source == "parity") return make_parity(source.bits);
    if (source.source == "xor") return make_xor();
    if (source.source == "encoder") return make_encoder(source.size);
    if (source.source == "spirals") return make_two_spirals(source.points, source.noise, config.seed);
    // Images are scaled later with the rest (data.scale), so read raw pixel values here.
    if (source.source == "fashion-mnist" || source.source == "mnist")
      return load_named_dataset(source.source, source.split.empty() ? default_split : source.split, config.data.data_dir, 1.0);
    if (source.source == "idx") return load_idx(source.images, source.labels, 1.0);
    if (source.source == "csv") return read_csv(source.path, source.label_column, source.header);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}: {}", origin, key, e.what()));
  }
  throw InputError(fmt::format("{}: {}.source: unknown source '{}'", origin, key, source.source));
}

}  // namespace

ExperimentData load_experiment_data(const ExperimentConfig& config) {
  const std::string origin = config.file.empty() ? std::string("<config>") : config.file.string();
  const DataConfig& data = config.data;
  if (!data.train) throw InputError(fmt::format("{}: data.train: required", origin));
  ExperimentData result;
  result.train = load_source(config, *data.train, "data.train", "train");
  if (data.test) result.test = load_source(config, *data.test, "data.test", "test");

  try {
    if (data.train_subset > 0 && data.train_subset < result.train.size()) result.train = random_subset(result.train, data.train_subset, config.seed);
    if (data.test_subset > 0 && result.test && data.test_subset < result.test->size())
      result.test = random_subset(*result.test, data.test_subset, config.seed);
    if (data.validation > 0) {
      TrainValidationSplit split = split_validation(result.train, data.validation, config.seed);
      result.train = std::move(split.train);
      result.validation = std::move(split.validation);
    }
    if (data.random_labels > 0) randomize_labels(result.train, data.random_labels, config.seed);

    const double scale = data.scale.value_or(default_input_scale(data.train->source));
    if (scale != 1.0) {
      scale_inputs(result.train, scale);
      if (result.validation) scale_inputs(*result.validation, scale);
      if (result.test) scale_inputs(*result.test, scale);
    }
    if (data.standardize) {
      const FeatureStatistics statistics = feature_statistics(result.train);
      standardize(result.train, statistics);
      if (result.validation) standardize(*result.validation, statistics);
      if (result.test) standardize(*result.test, statistics);
    }
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: data: {}", origin, e.what()));
  }
  if (config.train.augment) {
    try {
      (void)image_shape(result.train.example_shape);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("{}: data.augment: {}", origin, e.what()));
    }
  }
  if (result.test && result.test->features() != result.train.features())
    throw InputError(fmt::format("{}: data.test: {} features, but data.train has {}", origin, result.test->features(), result.train.features()));
  return result;
}

}  // namespace nnlab
