#include "experiment/weights_merge.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "io/model_file.hpp"
#include "io/safetensors.hpp"

namespace nnlab {

std::vector<std::byte> join_member_parts(std::span<const std::vector<std::byte>> parts, std::span<const Index> members, const std::string& where) {
  if (parts.empty() || parts.size() != members.size()) throw std::invalid_argument("join_member_parts: one member count per part");
  std::vector<SafetensorsFile> files;
  for (std::size_t i = 0; i < parts.size(); ++i) files.push_back(parse_safetensors(parts[i], fmt::format("{}: part {}", where, i)));
  Index total = 0;
  for (const Index count : members) total += count;
  std::vector<NamedTensor> joined;
  for (std::size_t t = 0; t < files.front().tensors.size(); ++t) {
    const NamedTensor& first = files.front().tensors[t];
    // One member's shape: the plain layout's, or the population's without its leading axis.
    Shape member_shape = first.value.shape();
    if (members[0] > 1) member_shape.erase(member_shape.begin());
    Shape shape{total};
    shape.insert(shape.end(), member_shape.begin(), member_shape.end());
    Tensor value(shape);
    Index at = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (files[i].tensors.size() != files.front().tensors.size() || t >= files[i].tensors.size() || files[i].tensors[t].name != first.name)
        throw InputError(fmt::format("{}: part {} does not hold tensor {} where part 0 does", where, i, first.name));
      const Tensor& part = files[i].tensors[t].value;
      const Index per_member = value.size() / std::max<Index>(total, 1);
      if (part.size() != per_member * members[i])
        throw InputError(fmt::format("{}: tensor {} of part {} holds {} values for {} member(s) of {}", where, first.name, i, part.size(), members[i],
                                     per_member));
      std::copy_n(part.data(), part.size(), value.data() + at);
      at += part.size();
    }
    joined.push_back(NamedTensor{first.name, std::move(value)});
  }
  return model_file_bytes(joined);
}

}  // namespace nnlab
