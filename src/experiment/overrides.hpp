// `--set dotted.key=value` overrides, applied to an experiment's YAML tree before validation.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "experiment/yaml_fields.hpp"

namespace nnlab {

struct Override {
  std::string key;                // "model.layers.0.activation", "model.layers.*.steepness"
  std::vector<std::string> path;  // {"model", "layers", "0", "activation"}
  YAML::Node value;               // the text after '=', parsed as YAML ("0.5", "[1, 2]", "tanh")
};

// Splits "key=value" at the first '='. A missing '=', an empty key segment or a value that is
// not valid YAML fails "<file>: --set '<text>': <reason>".
Override parse_override(std::string_view text, const YamlOrigin& origin);

// Writes the value into `root`, creating absent maps on the way. A numeric segment indexes a
// list (it must be in range), `*` stands for every entry of a list (model.layers.*.steepness
// sets every layer's steepness); a scalar shorthand on the way is expanded to its map form
// (`loss: sse` + loss.class_weights -> {type: sse, class_weights: ...}). Whether the key
// exists in the schema is checked later, when the tree is validated.
void apply_override(YAML::Node root, const Override& override_, const YamlOrigin& origin);

}  // namespace nnlab
