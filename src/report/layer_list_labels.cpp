#include "report/layer_list_labels.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>
#include <string_view>

namespace nnlab {
namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\n");
  return std::string(text.substr(first, last - first + 1));
}

// "key: value" entries of one flat map's inside ("units: 100, activation: sigmoid"); nested
// braces or brackets (an init map, a kernel pair) are kept whole as the value.
std::vector<std::pair<std::string, std::string>> entries_of(std::string_view inside) {
  std::vector<std::pair<std::string, std::string>> entries;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= inside.size(); ++i) {
    const char c = i < inside.size() ? inside[i] : ',';
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c != ',' || depth != 0) continue;
    const std::string_view entry = inside.substr(start, i - start);
    const auto colon = entry.find(':');
    if (colon != std::string_view::npos) entries.emplace_back(trimmed(entry.substr(0, colon)), trimmed(entry.substr(colon + 1)));
    start = i + 1;
  }
  return entries;
}

// One layer's name: "100 sigmoid" for a dense layer, "batchnorm sigmoid", "conv2d 32 relu".
std::string layer_name(std::string_view inside) {
  std::string type = "dense", units, filters, activation;
  for (const auto& [key, value] : entries_of(inside)) {
    if (key == "type") type = value;
    if (key == "units") units = value;
    if (key == "filters") filters = value;
    if (key == "activation") activation = value;
  }
  std::string name = type == "dense" ? (units.empty() ? "dense" : units) : type;
  if (type == "conv2d" && !filters.empty()) name += " " + filters;
  if (!activation.empty() && activation != "identity" && activation != "linear") name += " " + activation;
  return name;
}

// The top-level maps of "[{...}, {...}]", each without its braces; nullopt when the text is not
// such a list.
std::optional<std::vector<std::string>> maps_of(const std::string& text) {
  const std::string list = trimmed(text);
  if (list.size() < 4 || list.front() != '[' || list.back() != ']') return std::nullopt;
  std::vector<std::string> maps;
  int depth = 0;
  std::size_t open = 0;
  for (std::size_t i = 1; i + 1 < list.size(); ++i) {
    const char c = list[i];
    if (c == '{' || c == '[') {
      if (depth == 0 && c == '{') open = i;
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return std::nullopt;
      if (depth == 0 && c == '}') maps.push_back(list.substr(open + 1, i - open - 1));
    } else if (depth == 0 && c != ',' && c != ' ' && c != '\n') {
      return std::nullopt;  // a list item that is not a map
    }
  }
  if (depth != 0 || maps.empty()) return std::nullopt;
  return maps;
}

}  // namespace

std::optional<std::string> layer_list_label(const std::string& text) {
  const auto maps = maps_of(text);
  if (!maps) return std::nullopt;
  std::vector<std::string> names;
  for (const std::string& inside : *maps) names.push_back(layer_name(inside));
  // Runs of a repeated layer, or of a repeated pair of layers, fold into "k × ...".
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < names.size();) {
    std::size_t best_period = 1, best_count = 1;
    for (std::size_t period = 1; period <= 2; ++period) {
      std::size_t count = 1;
      while (i + (count + 1) * period <= names.size()) {
        bool same = true;
        for (std::size_t k = 0; k < period && same; ++k) same = names[i + k] == names[i + count * period + k];
        if (!same) break;
        ++count;
      }
      if (count >= 2 && count * period > best_count * best_period) best_period = period, best_count = count;
    }
    if (best_count < 2) {
      parts.push_back(names[i++]);
      continue;
    }
    const std::string unit = best_period == 1 ? names[i] : fmt::format("({}, {})", names[i], names[i + 1]);
    parts.push_back(fmt::format("{} × {}", best_count, unit));
    i += best_count * best_period;
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

void shorten_layer_lists(std::vector<std::string>& values) {
  std::vector<std::string> labels;
  for (const std::string& value : values) {
    const auto label = layer_list_label(value);
    if (!label) return;
    labels.push_back(*label);
  }
  const std::set<std::string> distinct_values(values.begin(), values.end()), distinct_labels(labels.begin(), labels.end());
  if (distinct_labels.size() != distinct_values.size()) return;
  values = std::move(labels);
}

}  // namespace nnlab
