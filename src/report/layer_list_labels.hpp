// A swept `model.layers` value, as written, is a whole list of layer maps — too long for a legend
// ("[{units: 100, activation: sigmoid}, {units: 100, ...") and cut where the trials differ. Its
// label instead names each layer by what tells layers apart (dense by its units, other types by
// name; then the activation) and folds repeats: "5 × (100, batchnorm sigmoid), 10".
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nnlab {

// The short label of a flow-style YAML list of layer maps; nullopt when the text is not one.
std::optional<std::string> layer_list_label(const std::string& text);

// Each trial's swept value of one key replaced by its short label, when every value has one and the
// labels stay as distinct as the values (else the values stay as written).
void shorten_layer_lists(std::vector<std::string>& values);

}  // namespace nnlab
