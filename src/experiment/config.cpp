#include "experiment/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "core/error.hpp"
#include "core/text.hpp"
#include "experiment/config_parts.hpp"
#include "experiment/overrides.hpp"
#include "experiment/yaml_fields.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using namespace config_parts;

// ---------------------------------------------------------------- the whole file

YAML::Node load_tree(const std::string& yaml_text, const YamlOrigin& origin) {
  // yaml-cpp skips or stops at a NUL in places, so text after one could go unread.
  if (const std::size_t nul = yaml_text.find('\0'); nul != std::string::npos)
    fail_at(origin, "", fmt::format("byte {}: a NUL byte; an experiment file is text (anything after it would be ignored)", nul));
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    if (error.mark.is_null()) fail_at(origin, "", fmt::format("malformed YAML: {}", shown_value(error.msg, 2 * shown_value_limit)));
    fail_at(
        origin, "",
        fmt::format("line {}, column {}: malformed YAML: {}", error.mark.line + 1, error.mark.column + 1,
                    shown_value(error.msg, 2 * shown_value_limit)));
  }
}

ExperimentConfig read_experiment(const Field& root, const fs::path& base_dir) {
  const Section section(root, {"name", "seed", "replicates", "data", "model", "loss", "optimizer", "schedule", "train",
                               "success", "report", "sweep", "prune", "adversarial"});
  // A section left out reads as an empty one, so its required keys are reported by name.
  const auto part = [&](std::string_view key) { return section.find(key).value_or(root.child(key, YAML::Node())); };
  ExperimentConfig config;
  config.name = fs::path(root.origin().file).stem().string();
  if (config.name.empty()) config.name = "experiment";
  if (const auto name = section.find("name")) {
    config.name = name->text();
    if (config.name.empty()) name->fail("must not be empty");
  }
  if (const auto seed = section.find("seed")) config.seed = static_cast<std::uint64_t>(integer_at_least(*seed, 0));
  if (const auto replicates = section.find("replicates")) config.replicates = integer_at_least(*replicates, 1);
  config.data = read_data(part("data"), base_dir);
  read_model(part("model"), base_dir, config);
  if (const auto loss = section.find("loss")) config.loss = read_loss(*loss);
  config.optimizer = read_optimizer(part("optimizer"), config.model.layers.size());
  if (const auto schedule = section.find("schedule")) config.schedule = read_schedule(*schedule, config.optimizer, config.data);
  if (const auto train = section.find("train")) config.train = read_train(*train, config.data);
  if (config.train.snapshot_ensemble && section.contains("schedule")) {
    const Field train = *section.find("train");
    train.child("snapshot_ensemble", train.node()["snapshot_ensemble"])
        .fail("sets the learning rate itself (a cosine cycle per snapshot); remove the schedule section or snapshot_ensemble");
  }
  if (const auto prune = section.find("prune")) read_prune(*prune, config);
  if (const auto adversarial = section.find("adversarial")) config.train.adversarial = read_adversarial(*adversarial, config.data);
  read_batch_rewrites(part("data"), part("train"), config);
  if (const auto success = section.find("success")) config.success = read_success(*success, config.data);
  if (const auto report = section.find("report")) config.report = read_report(*report, config.model.layers.size());
  // `sweep` is planned elsewhere from the resolved YAML; accepted here without reading it.
  return config;
}

}  // namespace

YAML::Node resolve_experiment_tree(const std::string& yaml_text, YamlOrigin& origin, const std::vector<std::string>& overrides) {
  try {
    YAML::Node root = load_tree(yaml_text, origin);
    if (root.IsNull()) root.reset(YAML::Node(YAML::NodeType::Map));  // an empty file: overrides may still fill it
    for (const std::string& text : overrides) {
      const Override override_ = parse_override(text, origin);
      apply_override(root, override_, origin);
      origin.overridden_keys.push_back(override_.key);
    }
    return root;
  } catch (const YAML::Exception& error) {  // a yaml-cpp surprise still becomes a one-line input error
    fail_at(origin, "", fmt::format("cannot read the YAML: {}", shown_value(error.msg, 2 * shown_value_limit)));
  }
}

ExperimentConfig experiment_from_tree(const YAML::Node& root, const YamlOrigin& origin) {
  try {
    ExperimentConfig config = read_experiment(Field(origin, root, ""), fs::path(origin.file).parent_path());
    YAML::Emitter emitter;
    emitter << root;
    config.resolved_yaml = emitter.c_str();
    return config;
  } catch (const YAML::Exception& error) {
    fail_at(origin, "", fmt::format("cannot read the YAML: {}", shown_value(error.msg, 2 * shown_value_limit)));
  }
}

ExperimentConfig parse_experiment(const std::string& yaml_text, const std::string& origin,
                                  const std::vector<std::string>& overrides) {
  YamlOrigin where{.file = origin, .overridden_keys = {}};
  const YAML::Node root = resolve_experiment_tree(yaml_text, where, overrides);
  return experiment_from_tree(root, where);
}

std::string read_experiment_text(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) throw InputError(fmt::format("{}: no such file", file.string()));
  if (!fs::is_regular_file(file, error)) throw InputError(fmt::format("{}: not a regular file", file.string()));
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  if (!stream) throw InputError(fmt::format("{}: cannot read the file", file.string()));
  return text.str();
}

ExperimentConfig load_experiment(const fs::path& file, const std::vector<std::string>& overrides) {
  ExperimentConfig config = parse_experiment(read_experiment_text(file), file.string(), overrides);
  config.file = file;
  return config;
}

double default_input_scale(std::string_view source) {
  const bool image = source == "fashion-mnist" || source == "mnist" || source == "idx";
  return image ? 1.0 / 255.0 : 1.0;
}

}  // namespace nnlab
