// The IDX file format of MNIST and Fashion-MNIST (plain or gzip-compressed): reading and writing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "data/dataset.hpp"

namespace nnlab {

inline constexpr std::uint32_t idx_images_magic = 0x00000803;  // unsigned bytes, 3 dims [N, rows, cols]
inline constexpr std::uint32_t idx_labels_magic = 0x00000801;  // unsigned bytes, 1 dim [N]

// Largest decompressed IDX body accepted from a .gz file (a sanity cap against hostile headers).
inline constexpr std::uint64_t idx_max_gzip_body_bytes = std::uint64_t{1} << 32;

// Reads an image file and its label file (each plain or .gz, detected by the gzip magic bytes).
// inputs [N, rows*cols] = pixel * scale, classes = largest label + 1, example_shape {rows, cols}.
// Any problem with the files -> InputError "<file>: offset <byte>: <reason>".
Dataset load_idx(const std::filesystem::path& images_path, const std::filesystem::path& labels_path, double scale);

// Writers, gzip-compressed when the path ends in ".gz". `pixels` holds count*rows*cols bytes.
void write_idx_images(const std::filesystem::path& path, std::span<const std::uint8_t> pixels, Index count, Index rows,
                      Index cols);
void write_idx_labels(const std::filesystem::path& path, std::span<const std::uint8_t> labels);

}  // namespace nnlab
