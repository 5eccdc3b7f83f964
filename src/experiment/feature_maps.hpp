// One test image through a convolutional model, as the report draws it: the image and each conv2d
// and pooling layer's output on it, one [H, W] map per channel, for a chosen member. Stored by
// record_test_pictures as the JSON artefact "feature_maps" / "test-0":
//   {"member", "example": 0, "label", "input": {"shape": [C, H, W], "channels", "values"},
//    "layers": [{"layer": i, "kind": "conv2d", "shape": [C, H, W], "channels", "values"}, ...]}
// "values" holds the first "channels" (at most max_feature_map_channels) of C maps, channel-major,
// each block rounded to three significant digits of its largest |value| (feature_map_value).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "nn/model.hpp"

namespace nnlab {

inline constexpr Index max_feature_map_channels = 32;

// Member `member`'s maps from the model's last forward (its layer_outputs()) of the batch `inputs`
// [Q, B, F], for the batch's first example; nullopt when the model has no conv2d or pooling layer.
std::optional<nlohmann::json> feature_maps_document(const Sequential<float>& model, const Tensor& inputs, Index member, Index run_member,
                                                    std::int32_t label);

// `value` rounded to a multiple of 10^(e − 2), where 10^e <= largest < 10^(e + 1): three significant
// digits of the block's largest |value| (an error of at most 0.5 % of it), printed short in JSON.
double feature_map_value(float value, double largest);

}  // namespace nnlab
