// IDX reading and writing: round trips, every kind of bad file, and the real Fashion-MNIST test split.
#include "data/idx.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

#include "data/named.hpp"
#include "data/test_support.hpp"
#include "support/counted_new.hpp"  // the largest allocation, to prove a lying header allocates nothing big

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::ScratchDir;

using Bytes = std::vector<std::uint8_t>;

void append_u32(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

Bytes idx_bytes(std::uint32_t magic, std::vector<std::uint32_t> dims, std::size_t body_bytes, std::uint8_t fill = 7) {
  Bytes bytes;
  append_u32(bytes, magic);
  for (const auto dim : dims) append_u32(bytes, dim);
  bytes.insert(bytes.end(), body_bytes, fill);
  return bytes;
}

void write_plain(const std::filesystem::path& path, const Bytes& bytes) {
  testing::write_text(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void write_gzip(const std::filesystem::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

// Three 2x4 images with known pixels, and labels 2, 0, 7.
const Bytes sample_pixels = {0, 1, 2, 3, 4, 5, 6, 7, 255, 254, 128, 127, 10, 20, 30, 40, 9, 8, 7, 6, 5, 4, 3, 200};
const Bytes sample_labels = {2, 0, 7};

void expect_sample(const Dataset& dataset, double scale) {
  ASSERT_EQ(dataset.size(), 3);
  ASSERT_EQ(dataset.features(), 8);
  EXPECT_EQ(dataset.example_shape, (Shape{2, 4}));
  EXPECT_EQ(dataset.classes, 8);  // largest label 7, + 1
  EXPECT_EQ(dataset.labels, (std::vector<std::int32_t>{2, 0, 7}));
  EXPECT_TRUE(dataset.targets.empty());
  for (std::size_t i = 0; i < sample_pixels.size(); ++i) {
    EXPECT_EQ(dataset.inputs[static_cast<Index>(i)], static_cast<float>(sample_pixels[i] * scale)) << "pixel " << i;
  }
}

TEST(Idx, RoundTripPlain) {
  const ScratchDir dir;
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  write_idx_labels(dir / "labels", sample_labels);
  // The writer's bytes are the documented format: magic, big-endian dims, raw pixels.
  EXPECT_EQ(std::filesystem::file_size(dir / "images"), 16u + 24u);
  EXPECT_EQ(std::filesystem::file_size(dir / "labels"), 8u + 3u);
  const Dataset dataset = load_idx(dir / "images", dir / "labels", 1.0);
  expect_sample(dataset, 1.0);
  EXPECT_EQ(dataset.inputs[8], 255.0f);
}

TEST(Idx, RoundTripGzip) {
  const ScratchDir dir;
  write_idx_images(dir / "images.gz", sample_pixels, 3, 2, 4);
  write_idx_labels(dir / "labels.gz", sample_labels);
  std::ifstream file(dir / "images.gz", std::ios::binary);
  EXPECT_EQ(file.get(), 0x1f);  // really compressed
  EXPECT_EQ(file.get(), 0x8b);
  const Dataset dataset = load_idx(dir / "images.gz", dir / "labels.gz", 1.0 / 255.0);
  expect_sample(dataset, 1.0 / 255.0);
  EXPECT_EQ(dataset.inputs[8], 1.0f);
  EXPECT_EQ(dataset.inputs[0], 0.0f);
}

TEST(Idx, DetectsGzipByMagicNotByName) {
  const ScratchDir dir;
  // A plain file whose name says .gz is read as plain.
  Bytes labels = idx_bytes(idx_labels_magic, {3}, 0);
  labels.insert(labels.end(), sample_labels.begin(), sample_labels.end());
  write_plain(dir / "labels.gz", labels);
  Bytes images = idx_bytes(idx_images_magic, {3, 2, 4}, 0);
  images.insert(images.end(), sample_pixels.begin(), sample_pixels.end());
  write_gzip(dir / "images.bin", images);
  expect_sample(load_idx(dir / "images.bin", dir / "labels.gz", 1.0), 1.0);
}

TEST(Idx, MissingFile) {
  const ScratchDir dir;
  write_idx_labels(dir / "labels", sample_labels);
  const auto missing = (dir / "nope-images").string();
  expect_input_error([&] { load_idx(missing, dir / "labels", 1.0); }, {missing, "no such file"});
}

TEST(Idx, WrongMagic) {
  const ScratchDir dir;
  write_idx_labels(dir / "labels", sample_labels);
  const auto images = (dir / "labels").string();
  // Labels passed as images: magic 0x801 where 0x803 is expected.
  expect_input_error([&] { load_idx(images, dir / "labels", 1.0); },
                     {images + ": offset 0", "wrong magic number 0x00000801", "expected 0x00000803"});
  write_plain(dir / "text", Bytes{'h', 'e', 'l', 'l', 'o', '\n'});
  expect_input_error([&] { load_idx(dir / "text", dir / "labels", 1.0); },
                     {"text: offset 0", "wrong magic number 0x68656c6c"});
}

TEST(Idx, TruncatedHeader) {
  const ScratchDir dir;
  write_plain(dir / "short", Bytes{0, 0});
  expect_input_error([&] { load_idx(dir / "short", dir / "short", 1.0); }, {"short: offset 2", "truncated header"});
  Bytes partial = idx_bytes(idx_images_magic, {3}, 0);
  partial.push_back(0);  // second dimension cut after one byte
  write_plain(dir / "partial", partial);
  expect_input_error([&] { load_idx(dir / "partial", dir / "partial", 1.0); },
                     {"partial: offset 8", "truncated header", "dimension 1"});
}

TEST(Idx, TruncatedPlainBodyIsCaughtFromTheHeader) {
  const ScratchDir dir;
  write_plain(dir / "images", idx_bytes(idx_images_magic, {3, 2, 4}, 20));  // 24 bytes needed
  write_idx_labels(dir / "labels", sample_labels);
  expect_input_error([&] { load_idx(dir / "images", dir / "labels", 1.0); },
                     {"images: offset 4", "3x2x4", "need 24 bytes", "only 20"});
}

TEST(Idx, TruncatedGzipBody) {
  const ScratchDir dir;
  write_gzip(dir / "images.gz", idx_bytes(idx_images_magic, {3, 2, 4}, 20));  // a valid stream, 4 bytes short
  write_idx_labels(dir / "labels", sample_labels);
  expect_input_error([&] { load_idx(dir / "images.gz", dir / "labels", 1.0); },
                     {"images.gz: offset 36", "truncated", "after 20 of the 24 bytes"});
}

TEST(Idx, CutGzipStream) {
  const ScratchDir dir;
  // A gzip file cut in the middle of its deflate stream.
  Bytes body = idx_bytes(idx_images_magic, {4, 16, 16}, 0);
  for (int i = 0; i < 4 * 256; ++i) body.push_back(static_cast<std::uint8_t>((i * 7919) >> 3));
  write_gzip(dir / "full.gz", body);
  std::ifstream full(dir / "full.gz", std::ios::binary);
  Bytes compressed((std::istreambuf_iterator<char>(full)), std::istreambuf_iterator<char>());
  compressed.resize(compressed.size() / 2);
  write_plain(dir / "cut.gz", compressed);
  write_idx_labels(dir / "labels", Bytes{0, 1, 2, 3});
  const std::string message =
      expect_input_error([&] { load_idx(dir / "cut.gz", dir / "labels", 1.0); }, {"cut.gz: offset "});
  EXPECT_TRUE(message.find("truncated") != std::string::npos || message.find("corrupt gzip") != std::string::npos)
      << message;
}

Bytes read_all(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// The gzip trailer (CRC-32 and length of the data, 4 bytes each) is the only check of the data.
TEST(Idx, GzipWithoutItsTrailerIsTruncated) {
  const ScratchDir dir;
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  write_idx_labels(dir / "labels.gz", sample_labels);
  const Bytes whole = read_all(dir / "labels.gz");
  for (const std::size_t cut : {8u, 4u, 1u}) {
    write_plain(dir / "cut.gz", Bytes(whole.begin(), whole.end() - static_cast<std::ptrdiff_t>(cut)));
    const auto cut_file = (dir / "cut.gz").string();
    expect_input_error([&] { load_idx(dir / "images", cut_file, 1.0); }, {cut_file + ": ", "gzip", "trailer"});
  }
}

TEST(Idx, GzipWithACorruptCrcOrLength) {
  const ScratchDir dir;
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  write_idx_labels(dir / "labels.gz", sample_labels);
  const Bytes whole = read_all(dir / "labels.gz");
  Bytes bad_crc = whole;
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  write_plain(dir / "crc.gz", bad_crc);
  const auto crc_file = (dir / "crc.gz").string();
  expect_input_error([&] { load_idx(dir / "images", crc_file, 1.0); }, {crc_file + ": ", "corrupt gzip data", "check"});
  Bytes bad_length = whole;
  bad_length[bad_length.size() - 1] ^= 0x01;
  write_plain(dir / "length.gz", bad_length);
  const auto length_file = (dir / "length.gz").string();
  expect_input_error([&] { load_idx(dir / "images", length_file, 1.0); }, {length_file + ": ", "corrupt gzip data", "check"});
}

TEST(Idx, HugeHeaderDimsFailFastWithoutAllocating) {
  const ScratchDir dir;
  write_idx_labels(dir / "labels", sample_labels);
  // 4 billion^3 pixels promised by a 16-byte file (the product overflows 64 bits).
  write_plain(dir / "huge", idx_bytes(idx_images_magic, {0xffffffffu, 0xffffffffu, 0xffffffffu}, 0));
  // 60000 28x28 images promised, 100 bytes given.
  write_plain(dir / "lying", idx_bytes(idx_images_magic, {60000, 28, 28}, 100));
  // The same lie compressed: a tiny .gz cannot inflate to 47 MB.
  write_gzip(dir / "lying.gz", idx_bytes(idx_images_magic, {60000, 28, 28}, 100));
  write_gzip(dir / "huge.gz", idx_bytes(idx_images_magic, {0xffffffffu, 0xffffffffu, 0xffffffffu}, 0));

  testing::largest_allocation = 0;
  expect_input_error([&] { load_idx(dir / "huge", dir / "labels", 1.0); },
                     {"huge: offset 4", "more than 2^64", "only 0 after the header"});
  expect_input_error([&] { load_idx(dir / "lying", dir / "labels", 1.0); },
                     {"lying: offset 4", "60000x28x28", "need 47040000 bytes", "only 100"});
  expect_input_error([&] { load_idx(dir / "lying.gz", dir / "labels", 1.0); },
                     {"lying.gz: offset", "gzip file can hold at most"});
  expect_input_error([&] { load_idx(dir / "huge.gz", dir / "labels", 1.0); },
                     {"huge.gz: offset", "gzip file can hold"});
  EXPECT_LT(testing::largest_allocation.load(), std::size_t{1} << 20) << "a lying header made the reader allocate";
}

TEST(Idx, GzipLieWithinTheRatioCapOnlyCostsWhatArrives) {
  const ScratchDir dir;
  write_idx_labels(dir / "labels", Bytes{1});
  // 1 image of 4000x4000 promised; the stream delivers 10 bytes. The buffer grows with the data.
  write_gzip(dir / "lie.gz", idx_bytes(idx_images_magic, {1, 4000, 4000}, 10));
  Bytes padding(20000, 0);  // make the compressed file big enough to pass the 1032:1 bound
  {
    std::ofstream file(dir / "lie.gz", std::ios::binary | std::ios::app);
    file.write(reinterpret_cast<const char*>(padding.data()), static_cast<std::streamsize>(padding.size()));
  }
  testing::largest_allocation = 0;
  const std::string message =
      expect_input_error([&] { load_idx(dir / "lie.gz", dir / "labels", 1.0); }, {"lie.gz: offset"});
  EXPECT_LE(testing::largest_allocation.load(), (std::size_t{1} << 20) + 4096) << message;
}

TEST(Idx, MismatchedCounts) {
  const ScratchDir dir;
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  write_idx_labels(dir / "labels", Bytes{1, 2});
  const auto labels = (dir / "labels").string();
  expect_input_error([&] { load_idx(dir / "images", labels, 1.0); },
                     {labels + ": offset 4", "2 labels", "has 3 images"});
}

TEST(Idx, ZeroDimension) {
  const ScratchDir dir;
  write_plain(dir / "images", idx_bytes(idx_images_magic, {3, 0, 4}, 0));
  write_idx_labels(dir / "labels", sample_labels);
  expect_input_error([&] { load_idx(dir / "images", dir / "labels", 1.0); }, {"images: offset 8", "dimension 1 is 0"});
  write_plain(dir / "no-labels", idx_bytes(idx_labels_magic, {0}, 0));
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  expect_input_error([&] { load_idx(dir / "images", dir / "no-labels", 1.0); },
                     {"no-labels: offset 4", "dimension 0 is 0"});
}

TEST(Idx, TrailingBytes) {
  const ScratchDir dir;
  Bytes labels = idx_bytes(idx_labels_magic, {3}, 0);
  labels.insert(labels.end(), {1, 2, 3, 4});
  write_plain(dir / "labels", labels);
  write_idx_images(dir / "images", sample_pixels, 3, 2, 4);
  expect_input_error([&] { load_idx(dir / "images", dir / "labels", 1.0); }, {"labels: offset 11", "unexpected data"});
}

TEST(Idx, FashionMnistTestSplit) {
  if (!std::filesystem::exists(fashion_mnist_system_dir)) {
    GTEST_SKIP() << fashion_mnist_system_dir << " not installed (apt-get install dataset-fashion-mnist)";
  }
  const IdxFiles files = find_named_dataset("fashion-mnist", "test", "");
  const Dataset dataset = load_idx(files.images, files.labels, 1.0 / 255.0);
  ASSERT_EQ(dataset.size(), 10000);
  EXPECT_EQ(dataset.features(), 784);
  EXPECT_EQ(dataset.example_shape, (Shape{28, 28}));
  EXPECT_EQ(dataset.classes, 10);
  std::vector<int> per_class(10, 0);
  for (const auto label : dataset.labels) ++per_class.at(static_cast<std::size_t>(label));
  for (int c = 0; c < 10; ++c) EXPECT_EQ(per_class[static_cast<std::size_t>(c)], 1000) << "class " << c;
  // Reference values read independently with Python's gzip module.
  EXPECT_EQ(std::vector<std::int32_t>(dataset.labels.begin(), dataset.labels.begin() + 10),
            (std::vector<std::int32_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  double first_image_sum = 0.0;
  for (Index i = 0; i < 784; ++i) first_image_sum += dataset.inputs[i] * 255.0;
  EXPECT_NEAR(first_image_sum, 33456.0, 1e-2);
  EXPECT_EQ(dataset.inputs[214], 0.0f);
  EXPECT_EQ(dataset.inputs[215], static_cast<float>(3 / 255.0));
}

}  // namespace
}  // namespace nnlab
