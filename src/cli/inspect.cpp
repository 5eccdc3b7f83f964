#include "cli/inspect.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/text.hpp"
#include "experiment/mirror_solution.hpp"
#include "io/safetensors.hpp"

namespace nnlab {
namespace {

// A member's slice of a tensor stored plain ([...]) or as a population ([P, ...]).
struct MemberView {
  Shape shape;
  std::vector<float> values;
};

}  // namespace

std::string inspect_model_file(const std::filesystem::path& file, Index member) {
  const SafetensorsFile model = read_safetensors_file(file);
  Index population = 1;
  if (const auto it = model.metadata.find("nnlab_population"); it != model.metadata.end()) {
    try {
      population = std::stoll(it->second);
    } catch (const std::exception&) {
      throw InputError(fmt::format("{}: metadata nnlab_population: not a number: '{}'", file.string(), shown_value(it->second)));
    }
  }
  if (member < 0 || member >= population)
    throw InputError(fmt::format("{}: --member {}: the file holds {} member(s)", file.string(), member, population));

  std::string text = fmt::format("{}: {} tensor(s), {} member(s); member {}\n", file.string(), model.tensors.size(), population, member);
  std::map<std::string, MemberView> views;
  for (const auto& tensor : model.tensors) {
    MemberView view;
    view.shape = tensor.value.shape();
    const float* begin = tensor.value.data();
    Index count = tensor.value.size();
    if (population > 1) {
      view.shape.erase(view.shape.begin());
      count = tensor.value.slice_size();
      begin = tensor.value.slice(member);
    }
    view.values.assign(begin, begin + count);
    double sum_sq = 0, sum_abs = 0;
    for (const float v : view.values) {
      sum_sq += static_cast<double>(v) * v;
      sum_abs += std::abs(v);
    }
    text += fmt::format("  {:<18} {:<12} |w|_2 {:.4g}  mean|w| {:.4g}\n", tensor.name, to_string(view.shape), std::sqrt(sum_sq),
                        view.values.empty() ? 0.0 : sum_abs / static_cast<double>(view.values.size()));
    if (view.values.size() <= 64) {
      const Index columns = view.shape.size() == 2 ? view.shape[1] : static_cast<Index>(view.values.size());
      for (std::size_t i = 0; i < view.values.size(); ++i)
        text += fmt::format("{}{:8.3f}{}", i % static_cast<std::size_t>(columns) == 0 ? "    " : " ", view.values[i],
                            (i + 1) % static_cast<std::size_t>(columns) == 0 ? "\n" : "");
    }
    views[tensor.name] = std::move(view);
  }
  const auto shape_is = [&](const std::string& name, const Shape& shape) { return views.contains(name) && views[name].shape == shape; };
  if (views.size() == 4 && shape_is("layers.0.weight", {2, 6}) && shape_is("layers.0.bias", {2}) && shape_is("layers.1.weight", {1, 2}) &&
      shape_is("layers.1.bias", {1})) {
    const MirrorSolution s = check_mirror_solution(views["layers.0.weight"].values, views["layers.0.bias"].values,
                                                   views["layers.1.weight"].values, views["layers.1.bias"].values);
    const auto yes = [](bool b) { return b ? "yes" : "no"; };
    text += fmt::format(
        "mirror-symmetry solution (Rumelhart et al. 1986): mirrored (±{:.0f} %) {} | 1:2:4 (±{:.0f} %) {} | hidden units opposite {} | "
        "hidden biases < 0 {} | output bias > 0 {} => {}\n",
        100 * mirror_pair_tolerance, yes(s.mirrored), 100 * mirror_ratio_tolerance, yes(s.ratio_1_2_4), yes(s.hidden_opposite),
        yes(s.hidden_biases_negative), yes(s.output_bias_positive),
        s.matches_paper() ? "matches the paper's pattern" : "differs from the paper's pattern");
  }
  return text;
}

}  // namespace nnlab
