#include "experiment/feature_maps.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nn/layer_kinds.hpp"

namespace nnlab {

namespace {

bool is_pictured(LayerKind kind) { return kind == LayerKind::conv2d || kind == LayerKind::maxpool2d || kind == LayerKind::avgpool2d; }

// The first min(C, max_feature_map_channels) maps of one example's [C, H, W] block, rounded.
nlohmann::json maps(const float* example, const Shape& shape) {
  const Index channels = std::min(shape[0], max_feature_map_channels);
  const auto count = static_cast<std::size_t>(channels * shape[1] * shape[2]);
  double largest = 0;
  for (std::size_t i = 0; i < count; ++i)
    if (std::isfinite(example[i])) largest = std::max(largest, std::abs(static_cast<double>(example[i])));
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t i = 0; i < count; ++i) values.push_back(feature_map_value(example[i], largest));
  return {{"shape", shape}, {"channels", channels}, {"values", std::move(values)}};
}

}  // namespace

double feature_map_value(float value, double largest) {
  if (!std::isfinite(value)) return 0;  // JSON has no NaN; a diverged member's maps are blank
  if (!(largest > 0) || !std::isfinite(largest)) return value;
  // Dividing the integer count of quanta by an exact power of ten gives the double nearest to the
  // decimal, which JSON prints in its short form ("0.123", not "0.12300000000000001").
  const int decimals = 2 - static_cast<int>(std::floor(std::log10(largest)));
  const double power = std::pow(10.0, std::abs(decimals));
  return decimals >= 0 ? std::round(value * power) / power : std::round(value / power) * power;
}

std::optional<nlohmann::json> feature_maps_document(const Sequential<float>& model, const Tensor& inputs, Index member, Index run_member,
                                                    std::int32_t label) {
  const ModelSpec& spec = model.specs().front();
  const auto outputs = model.layer_outputs();
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < spec.layers.size() && i < outputs.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    if (!is_pictured(layer.kind) || layer.shape.size() != 3 || outputs[i] == nullptr) continue;
    nlohmann::json entry = maps(outputs[i]->slice(member), layer.shape);  // example 0 opens the member's [B, F] block
    entry["layer"] = i;
    entry["kind"] = std::string(layer_kind_name(layer.kind));
    layers.push_back(std::move(entry));
  }
  if (layers.empty() || spec.input_shape.size() != 3) return std::nullopt;
  // A shared input [1, B, F] holds every member's example in slice 0.
  const float* image = inputs.slice(inputs.dim(0) == 1 ? 0 : member);
  return nlohmann::json{{"member", run_member}, {"example", 0}, {"label", label}, {"input", maps(image, spec.input_shape)}, {"layers", std::move(layers)}};
}

}  // namespace nnlab
