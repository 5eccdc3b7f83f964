// Well-known IDX data sets found by name (fashion-mnist, mnist) in the usual places.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "data/dataset.hpp"

namespace nnlab {

inline constexpr const char* fashion_mnist_system_dir = "/usr/share/datasets/fashion-mnist";

struct IdxFiles {
  std::filesystem::path images;
  std::filesystem::path labels;
};

// The image and label files of `name` ("fashion-mnist" or "mnist"), `split` ("train" or "test").
// Looks for train-images-idx3-ubyte[.gz] / t10k-... in, in order:
//   mnist:         data_dir, data_dir/mnist, $NNLAB_DATA_DIR, $NNLAB_DATA_DIR/mnist
//   fashion-mnist: data_dir/fashion-mnist, $NNLAB_DATA_DIR/fashion-mnist, /usr/share/datasets/fashion-mnist
// (an empty data_dir is skipped). Not found -> InputError listing the places and how to get the files.
IdxFiles find_named_dataset(std::string_view name, std::string_view split, const std::filesystem::path& data_dir);

// find_named_dataset + load_idx; the result is named "<name>/<split>".
Dataset load_named_dataset(std::string_view name, std::string_view split, const std::filesystem::path& data_dir,
                           double scale);

}  // namespace nnlab
