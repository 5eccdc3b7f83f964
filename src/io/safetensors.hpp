// Reading and writing safetensors files: an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
// Every malformed file is an InputError naming the file and the byte offset or tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

// Free-form string pairs stored under the header's "__metadata__" key.
using SafetensorsMetadata = std::map<std::string, std::string>;

struct NamedTensor {
  std::string name;
  Tensor value;
};

// A tensor to write without copying it: the shape may differ from the storage's own
// (e.g. a [1, out, in] parameter written as [out, in]) as long as the element counts agree.
struct NamedTensorView {
  std::string name;
  Shape shape;
  std::span<const float> values;
};

struct SafetensorsFile {
  SafetensorsMetadata metadata;
  std::vector<NamedTensor> tensors;  // in the order of their data in the file
};

// The spec's limit on the JSON header; larger headers are rejected before allocating.
inline constexpr std::uint64_t safetensors_max_header_bytes = 100'000'000;

// Writes F32 tensors in the given order, the header padded with spaces so the data starts
// at a multiple of 8 bytes. Atomic: writes `file` + ".tmp" and renames it over `file`.
// Duplicate or reserved ("__metadata__") names are programming errors (std::invalid_argument);
// a file that cannot be written is an InputError.
void write_safetensors(const std::filesystem::path& file, std::span<const NamedTensor> tensors,
                       const SafetensorsMetadata& metadata = {});
void write_safetensors(const std::filesystem::path& file, std::span<const NamedTensorView> tensors,
                       const SafetensorsMetadata& metadata = {});

// The same file's bytes, in memory (e.g. for the run store).
std::vector<std::byte> safetensors_bytes(std::span<const NamedTensor> tensors, const SafetensorsMetadata& metadata = {});
std::vector<std::byte> safetensors_bytes(std::span<const NamedTensorView> tensors, const SafetensorsMetadata& metadata = {});
// Writes `file` + ".tmp" and renames it over `file`; InputError naming the file on failure.
void write_file_atomically(const std::filesystem::path& file, std::span<const std::byte> bytes);

// Reads every tensor as float32: F32 as is; F64, F16, BF16 and the integer dtypes converted
// (F64 rounds to nearest, so values beyond float range become infinities).
// Rejects, as InputError, anything the spec forbids: truncation, a header that is not a JSON
// object, missing or ill-typed fields, unknown dtypes, byte ranges that disagree with the shape,
// gaps, overlaps, trailing bytes, and duplicate names.
SafetensorsFile read_safetensors_file(const std::filesystem::path& file);
std::vector<NamedTensor> read_safetensors(const std::filesystem::path& file);

// The same from bytes in memory; `source` names them in error messages.
SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, const std::string& source);

}  // namespace nnlab
