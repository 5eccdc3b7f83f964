#include "io/model_file.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"

namespace nnlab {
namespace {

// A tensor name as messages quote it: at most 80 characters (core/text.hpp).
std::string in_quotes(const std::string& text) {
  std::string result = "'";
  result.append(shown_value(text));
  return result += "'";
}

Shape without_member_axis(const Shape& shape) { return Shape(shape.begin() + 1, shape.end()); }

Shape with_member_axis(const Shape& shape) {
  Shape result{1};
  result.insert(result.end(), shape.begin(), shape.end());
  return result;
}

// "[P, 2, 6]" for [2, 6]: how a population stores it.
std::string population_shape_text(const Shape& shape) {
  return shape.empty() ? "[P]" : "[P, " + to_string(shape).substr(1);
}

// The common P of parameters shaped [P, ...]; anything else is a programming error.
Index population_of(std::span<const NamedTensor> parameters) {
  if (parameters.empty()) throw std::invalid_argument("write_model_file: no parameters");
  const Index population = parameters.front().value.rank() > 0 ? parameters.front().value.dim(0) : 0;
  for (const NamedTensor& parameter : parameters) {
    if (parameter.value.rank() == 0 || parameter.value.dim(0) != population || population < 1)
      throw std::invalid_argument("write_model_file: " + in_quotes(parameter.name) + " " +
                                  to_string(parameter.value.shape()) + " is not [P, ...] with the population P = " +
                                  std::to_string(population) + " of " + in_quotes(parameters.front().name));
  }
  return population;
}

// Member `member`'s block of a [P, ...] parameter, viewed in the plain layout.
NamedTensorView member_view(const NamedTensor& parameter, Index member) {
  const auto slice = static_cast<std::size_t>(parameter.value.slice_size());
  return {parameter.name, without_member_axis(parameter.value.shape()),
          parameter.value.span().subspan(static_cast<std::size_t>(member) * slice, slice)};
}

// How a stored tensor relates to the shape the model expects.
struct StoredLayout {
  bool matches = false;
  Index population = 1;  // 1 for the plain layout
};

StoredLayout classify(const Shape& stored, const Shape& expected) {
  if (stored == expected) return {.matches = true, .population = 1};
  if (stored.size() == expected.size() + 1 && stored.front() >= 1 &&
      std::equal(expected.begin(), expected.end(), stored.begin() + 1))
    return {.matches = true, .population = stored.front()};
  return {};
}

}  // namespace

std::string layer_weight_name(std::size_t layer) { return "layers." + std::to_string(layer) + ".weight"; }
std::string layer_bias_name(std::size_t layer) { return "layers." + std::to_string(layer) + ".bias"; }

std::vector<std::byte> model_file_bytes(std::span<const NamedTensor> parameters) {
  const Index population = population_of(parameters);
  std::vector<NamedTensorView> views;
  views.reserve(parameters.size());
  for (const NamedTensor& parameter : parameters) {
    if (population == 1) {
      views.push_back(member_view(parameter, 0));
    } else {
      views.push_back({parameter.name, parameter.value.shape(), parameter.value.span()});
    }
  }
  return safetensors_bytes(std::span<const NamedTensorView>(views),
                           {{"format", "pt"}, {"nnlab_population", std::to_string(population)}});
}

void write_model_file(const std::filesystem::path& file, std::span<const NamedTensor> parameters) {
  write_file_atomically(file, model_file_bytes(parameters));
}

std::vector<std::byte> member_model_file_bytes(std::span<const NamedTensor> parameters, Index member, std::optional<Index> named) {
  const Index population = population_of(parameters);
  if (member < 0 || member >= population)
    throw std::invalid_argument("write_member_model_file: member " + std::to_string(member) +
                                " outside a population of " + std::to_string(population));
  std::vector<NamedTensorView> views;
  views.reserve(parameters.size());
  for (const NamedTensor& parameter : parameters) views.push_back(member_view(parameter, member));
  return safetensors_bytes(std::span<const NamedTensorView>(views),
                           {{"format", "pt"}, {"nnlab_population", "1"}, {"nnlab_member", std::to_string(named.value_or(member))}});
}

void write_member_model_file(const std::filesystem::path& file, std::span<const NamedTensor> parameters, Index member) {
  write_file_atomically(file, member_model_file_bytes(parameters, member));
}

std::map<std::string, Tensor> read_model_file(const std::filesystem::path& file,
                                              std::span<const ExpectedTensor> expected, std::optional<Index> member) {
  const std::string source = file.string();
  const SafetensorsFile contents = read_safetensors_file(file);
  std::map<std::string, const Tensor*> stored;
  for (const NamedTensor& tensor : contents.tensors) stored.emplace(tensor.name, &tensor.value);

  // Every expected tensor present with a matching shape, all with one population size.
  Index population = 0;
  std::string population_source;  // the tensor that fixed `population`
  for (const ExpectedTensor& want : expected) {
    const auto found = stored.find(want.name);
    if (found == stored.end())
      throw InputError(source + ": missing tensor " + in_quotes(want.name) + " (the model expects " +
                       to_string(want.shape) + ")");
    const Shape& have = found->second->shape();
    const StoredLayout layout = classify(have, want.shape);
    if (!layout.matches)
      throw InputError(source + ": tensor " + in_quotes(want.name) + ": shape " + to_string(have) +
                       " does not match the model's " + to_string(want.shape) + " (or " +
                       population_shape_text(want.shape) + ")");
    if (population_source.empty()) {
      population = layout.population;
      population_source = want.name;
    } else if (layout.population != population) {
      throw InputError(source + ": tensor " + in_quotes(want.name) + ": holds " + std::to_string(layout.population) +
                       " member(s) but " + in_quotes(population_source) + " holds " + std::to_string(population));
    }
  }
  for (const NamedTensor& tensor : contents.tensors) {
    const bool is_expected = std::any_of(expected.begin(), expected.end(),
                                         [&](const ExpectedTensor& want) { return want.name == tensor.name; });
    if (!is_expected)
      throw InputError(source + ": unexpected tensor " + in_quotes(tensor.name) + " " +
                       to_string(tensor.value.shape()) + " (not part of the model)");
  }

  if (population > 1 && !member)
    throw InputError(source + ": holds a population of " + std::to_string(population) +
                     " members; choose which member to load");
  const Index chosen = member.value_or(0);
  if (chosen < 0 || (population > 0 && chosen >= population))
    throw InputError(source + ": member " + std::to_string(chosen) + " requested, but the file holds " +
                     std::to_string(population));

  std::map<std::string, Tensor> result;
  for (const ExpectedTensor& want : expected) {
    const Tensor& have = *stored.at(want.name);
    Tensor value(with_member_axis(want.shape));
    const Index count = value.size();
    std::copy_n(have.data() + chosen * count, count, value.data());
    result.emplace(want.name, std::move(value));
  }
  return result;
}

}  // namespace nnlab
