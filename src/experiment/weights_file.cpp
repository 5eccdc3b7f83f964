#include "experiment/weights_file.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

#include "io/model_file.hpp"
#include "io/safetensors.hpp"

namespace nnlab {

namespace {

// What a model file holds: every parameter, then every buffer (batch norm's running statistics).
std::vector<std::pair<std::string, Tensor*>> file_tensors(Sequential<float>& model) {
  std::vector<std::pair<std::string, Tensor*>> tensors;
  for (const auto& parameter : model.parameters()) tensors.emplace_back(parameter.name, parameter.value);
  for (const auto& buffer : model.buffers()) tensors.emplace_back(buffer.name, buffer.value);
  return tensors;
}

std::vector<NamedTensor> named_parameters(Sequential<float>& model) {
  std::vector<NamedTensor> tensors;
  for (const auto& [name, value] : file_tensors(model)) tensors.push_back(NamedTensor{name, *value});
  return tensors;
}

}  // namespace

void load_weights_into(Sequential<float>& model, const std::filesystem::path& file) {
  const std::vector<std::pair<std::string, Tensor*>> tensors = file_tensors(model);
  std::vector<ExpectedTensor> expected;
  for (const auto& [name, value] : tensors) expected.push_back(ExpectedTensor{name, Shape(value->shape().begin() + 1, value->shape().end())});
  const std::map<std::string, Tensor> loaded = read_model_file(file, expected);
  for (const auto& [name, value] : tensors) {
    const Tensor& source = loaded.at(name);  // [1, ...]
    const Index per_member = value->slice_size();
    for (Index m = 0; m < value->dim(0); ++m) std::copy_n(source.data(), per_member, value->slice(m));
  }
}

void load_population_members(Sequential<float>& model, std::span<const std::byte> bytes, std::span<const Index> from,
                             const std::string& where) {
  const SafetensorsFile file = parse_safetensors(bytes, where);
  const std::vector<std::pair<std::string, Tensor*>> tensors = file_tensors(model);
  if (static_cast<Index>(from.size()) != model.population())
    throw std::invalid_argument("load_population_members: one source member per model member");
  for (const auto& [name, value] : tensors) {
    const std::string& wanted = name;  // clang before 16 lets no lambda capture a structured binding, even in C++20
    const auto found = std::find_if(file.tensors.begin(), file.tensors.end(), [&](const NamedTensor& t) { return t.name == wanted; });
    if (found == file.tensors.end()) throw InputError(fmt::format("{}: the weights have no tensor {}", where, name));
    const Index per_member = value->slice_size();
    const Index members = per_member > 0 ? found->value.size() / per_member : 0;
    if (per_member == 0 || found->value.size() != members * per_member)
      throw InputError(fmt::format("{}: tensor {} holds {} values, not a multiple of a member's {}", where, name, found->value.size(), per_member));
    for (std::size_t k = 0; k < from.size(); ++k) {
      if (from[k] < 0 || from[k] >= members)
        throw InputError(fmt::format("{}: tensor {} holds {} members, member {} asked for", where, name, members, from[k]));
      std::copy_n(found->value.data() + from[k] * per_member, per_member, value->slice(static_cast<Index>(k)));
    }
  }
}

void save_weights(Sequential<float>& model, const std::filesystem::path& file) { write_model_file(file, named_parameters(model)); }

std::vector<std::byte> weights_bytes(Sequential<float>& model) { return model_file_bytes(named_parameters(model)); }

std::vector<std::byte> prune_mask_bytes(Sequential<float>& model, std::span<const Tensor> masks) {
  std::vector<NamedTensor> named;
  std::size_t next = 0;
  for (const ParameterRef<float>& parameter : model.parameters())
    if (parameter.is_weight() && next < masks.size()) named.push_back(NamedTensor{parameter.name, masks[next++]});
  if (next != masks.size()) throw std::invalid_argument("prune_mask_bytes: more masks than the model has weights");
  return model_file_bytes(named);
}

std::vector<std::byte> member_weights_bytes(Sequential<float>& model, Index member, std::optional<Index> named) {
  return member_model_file_bytes(named_parameters(model), member, named);
}

std::vector<std::byte> member_update_bytes(Sequential<float>& model, std::span<const Tensor> step_start, Index member) {
  std::vector<NamedTensor> changes;
  const std::vector<ParameterRef<float>> parameters = model.parameters();
  for (std::size_t p = 0; p < parameters.size() && p < step_start.size(); ++p) {
    const ParameterRef<float>& parameter = parameters[p];
    const Tensor& before = step_start[p];
    Shape shape = parameter.value->shape();
    shape[0] = 1;
    Tensor change(std::move(shape));
    const float* after = parameter.value->slice(member);
    const float* start = before.slice(member);
    for (Index i = 0; i < change.size(); ++i) change.data()[i] = after[i] - start[i];
    changes.push_back(NamedTensor{parameter.name, std::move(change)});
  }
  return member_model_file_bytes(changes, 0);
}

}  // namespace nnlab
