// Safetensors files, as `model.from`, `nnlab inspect` and the store's weight artefacts read them.
// Whatever parse_safetensors accepts must survive writing and reading again bit for bit; the
// same bytes are also read as a file: as a 2-3-1 model's weights (member 0, or the member the
// first byte names), and as `nnlab inspect` prints them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "cli/inspect.hpp"
#include "fuzz_support.hpp"
#include "io/model_file.hpp"
#include "io/safetensors.hpp"

namespace {

void check_round_trip(const nnlab::SafetensorsFile& file) {
  const std::vector<std::byte> bytes = nnlab::safetensors_bytes(file.tensors, file.metadata);
  const nnlab::SafetensorsFile again = nnlab::parse_safetensors(bytes, "round trip");
  if (again.metadata != file.metadata) nnlab::fuzz::finding("metadata changed on a round trip", "");
  if (again.tensors.size() != file.tensors.size()) nnlab::fuzz::finding("tensor count changed on a round trip", "");
  for (std::size_t i = 0; i < file.tensors.size(); ++i) {
    const nnlab::Tensor& a = file.tensors[i].value;
    const nnlab::Tensor& b = again.tensors[i].value;
    if (again.tensors[i].name != file.tensors[i].name || a.shape() != b.shape() ||
        (a.size() > 0 && std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(float)) != 0))
      nnlab::fuzz::finding("a tensor changed on a round trip", file.tensors[i].name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nnlab::fuzz::accepts([&] { check_round_trip(nnlab::parse_safetensors(nnlab::fuzz::as_bytes(data, size), "fuzz.safetensors")); });

  const nnlab::fuzz::MemoryFile file("model.safetensors", std::span(data, size));
  static const std::vector<nnlab::ExpectedTensor> expected{
      {nnlab::layer_weight_name(0), {3, 2}}, {nnlab::layer_bias_name(0), {3}},
      {nnlab::layer_weight_name(1), {1, 3}}, {nnlab::layer_bias_name(1), {1}}};
  const std::optional<nnlab::Index> member = size > 0 && data[0] % 4 != 0 ? std::optional<nnlab::Index>(data[0] % 4 - 1) : std::nullopt;
  nnlab::fuzz::accepts([&] { (void)nnlab::read_model_file(file.path(), expected, member); });
  nnlab::fuzz::accepts([&] { (void)nnlab::inspect_model_file(file.path(), member.value_or(0)); });
  return 0;
}
