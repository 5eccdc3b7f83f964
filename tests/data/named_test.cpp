// Finding fashion-mnist and mnist by name in data_dir, $NNLAB_DATA_DIR and the Debian package's folder.
#include "data/named.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "data/idx.hpp"
#include "data/test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::ScratchDir;

void write_tiny_split(const std::filesystem::path& directory, const std::string& prefix, bool gzip,
                      std::uint8_t first_label) {
  std::filesystem::create_directories(directory);
  const std::string suffix = gzip ? ".gz" : "";
  const std::vector<std::uint8_t> pixels = {1, 2, 3, 4, 5, 6, 7, 8};
  write_idx_images(directory / (prefix + "-images-idx3-ubyte" + suffix), pixels, 2, 2, 2);
  write_idx_labels(directory / (prefix + "-labels-idx1-ubyte" + suffix), std::vector<std::uint8_t>{first_label, 1});
}

// Sets $NNLAB_DATA_DIR for one test and restores the previous value.
class ScopedDataDirVariable {
 public:
  explicit ScopedDataDirVariable(const char* value) {
    if (const char* old = std::getenv("NNLAB_DATA_DIR")) previous_ = old;
    if (value != nullptr) {
      ::setenv("NNLAB_DATA_DIR", value, 1);
    } else {
      ::unsetenv("NNLAB_DATA_DIR");
    }
  }
  ~ScopedDataDirVariable() {
    if (previous_) {
      ::setenv("NNLAB_DATA_DIR", previous_->c_str(), 1);
    } else {
      ::unsetenv("NNLAB_DATA_DIR");
    }
  }

 private:
  std::optional<std::string> previous_;
};

TEST(NamedDataset, MnistInDataDirGzipFirst) {
  const ScopedDataDirVariable unset(nullptr);
  const ScratchDir dir;
  write_tiny_split(dir.path(), "train", true, 0);
  write_tiny_split(dir.path(), "train", false, 0);
  write_tiny_split(dir.path(), "t10k", false, 0);
  const IdxFiles train = find_named_dataset("mnist", "train", dir.path());
  EXPECT_EQ(train.images, dir / "train-images-idx3-ubyte.gz");
  EXPECT_EQ(train.labels, dir / "train-labels-idx1-ubyte.gz");
  const IdxFiles test = find_named_dataset("mnist", "test", dir.path());
  EXPECT_EQ(test.images, dir / "t10k-images-idx3-ubyte");
  EXPECT_EQ(test.labels, dir / "t10k-labels-idx1-ubyte");
}

TEST(NamedDataset, MnistInSubfolderAndEnvironment) {
  const ScratchDir dir;
  write_tiny_split(dir / "mnist", "train", true, 0);
  {
    const ScopedDataDirVariable unset(nullptr);
    EXPECT_EQ(find_named_dataset("mnist", "train", dir.path()).images, dir / "mnist" / "train-images-idx3-ubyte.gz");
  }
  const ScopedDataDirVariable set(dir.path().c_str());
  EXPECT_EQ(find_named_dataset("mnist", "train", "").images, dir / "mnist" / "train-images-idx3-ubyte.gz");
  const Dataset dataset = load_named_dataset("mnist", "train", "", 1.0);
  EXPECT_EQ(dataset.name, "mnist/train");
  EXPECT_EQ(dataset.size(), 2);
}

TEST(NamedDataset, FashionMnistPrefersDataDir) {
  const ScopedDataDirVariable unset(nullptr);
  const ScratchDir dir;
  write_tiny_split(dir / "fashion-mnist", "t10k", true, 0);
  // Plain MNIST files directly in data_dir must not be taken for Fashion-MNIST.
  write_tiny_split(dir.path(), "t10k", true, 0);
  EXPECT_EQ(find_named_dataset("fashion-mnist", "test", dir.path()).images,
            dir / "fashion-mnist" / "t10k-images-idx3-ubyte.gz");
}

TEST(NamedDataset, NotFoundSaysWhereItLooked) {
  const ScopedDataDirVariable unset(nullptr);
  const ScratchDir dir;
  expect_input_error([&] { find_named_dataset("mnist", "test", dir.path()); },
                     {"mnist/test", "t10k-images-idx3-ubyte[.gz]", dir.path().string(), "$NNLAB_DATA_DIR"});
  expect_input_error([&] { find_named_dataset("mnist", "train", ""); }, {"mnist/train", "unset"});
  if (!std::filesystem::exists(fashion_mnist_system_dir)) {
    expect_input_error([&] { find_named_dataset("fashion-mnist", "train", dir.path()); },
                       {"fashion-mnist/train", fashion_mnist_system_dir, "apt-get install dataset-fashion-mnist"});
  }
}

TEST(NamedDataset, UnknownNameOrSplit) {
  expect_input_error([] { find_named_dataset("cifar", "train", ""); }, {"cifar", "unknown data set"});
  expect_input_error([] { find_named_dataset("mnist", "validation", ""); }, {"mnist/validation", "unknown split"});
}

}  // namespace
}  // namespace nnlab
