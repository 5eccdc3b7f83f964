#include "data/named.hpp"

#include <cstdlib>
#include <optional>
#include <system_error>
#include <vector>

#include "core/error.hpp"
#include "data/idx.hpp"

namespace nnlab {

namespace {

namespace fs = std::filesystem;

// `directory/stem.gz` or `directory/stem`, whichever exists (the compressed form first, as shipped).
std::optional<fs::path> find_file(const fs::path& directory, const std::string& stem) {
  std::error_code error;
  for (const fs::path& candidate : {directory / (stem + ".gz"), directory / stem}) {
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  return std::nullopt;
}

std::vector<fs::path> search_directories(std::string_view name, const fs::path& data_dir) {
  std::vector<fs::path> directories;
  const char* environment = std::getenv("NNLAB_DATA_DIR");
  const fs::path environment_dir = environment != nullptr ? fs::path(environment) : fs::path();
  // Both sets use the same file names, so fashion-mnist is only looked for in folders named after it.
  if (name == "mnist") {
    for (const fs::path& base : {data_dir, environment_dir}) {
      if (base.empty()) continue;
      directories.push_back(base);
      directories.push_back(base / "mnist");
    }
  } else {
    for (const fs::path& base : {data_dir, environment_dir}) {
      if (!base.empty()) directories.push_back(base / "fashion-mnist");
    }
    directories.emplace_back(fashion_mnist_system_dir);
  }
  return directories;
}

}  // namespace

IdxFiles find_named_dataset(std::string_view name, std::string_view split, const fs::path& data_dir) {
  const std::string label = std::string(name) + "/" + std::string(split);
  if (name != "mnist" && name != "fashion-mnist") {
    throw InputError(std::string(name) + ": unknown data set (expected fashion-mnist or mnist)");
  }
  if (split != "train" && split != "test") {
    throw InputError(label + ": unknown split '" + std::string(split) + "' (expected train or test)");
  }
  const std::string prefix = split == "train" ? "train" : "t10k";
  const std::string images_stem = prefix + "-images-idx3-ubyte";
  const std::string labels_stem = prefix + "-labels-idx1-ubyte";

  const std::vector<fs::path> directories = search_directories(name, data_dir);
  for (const fs::path& directory : directories) {
    const auto images = find_file(directory, images_stem);
    const auto labels = find_file(directory, labels_stem);
    if (images && labels) return {*images, *labels};
  }

  std::string places;
  for (const fs::path& directory : directories) places += (places.empty() ? "" : ", ") + directory.string();
  const std::string remedy =
      name == "fashion-mnist"
          ? "install them with `apt-get install dataset-fashion-mnist`, or put them in data.data_dir/fashion-mnist"
          : "put the MNIST IDX files in data.data_dir or $NNLAB_DATA_DIR";
  throw InputError(label + ": " + images_stem + "[.gz] and " + labels_stem + "[.gz] not found in " +
                   (places.empty() ? std::string("any folder (data.data_dir and $NNLAB_DATA_DIR are unset)") : places) +
                   "; " + remedy);
}

Dataset load_named_dataset(std::string_view name, std::string_view split, const fs::path& data_dir, double scale) {
  const IdxFiles files = find_named_dataset(name, split, data_dir);
  Dataset dataset = load_idx(files.images, files.labels, scale);
  dataset.name = std::string(name) + "/" + std::string(split);
  return dataset;
}

}  // namespace nnlab
