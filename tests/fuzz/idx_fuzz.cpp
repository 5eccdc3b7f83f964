// IDX image and label files (MNIST's format), plain or gzip-compressed, as data.train
// {source: idx} reads them. Input: a flag byte (bit 0: gzip the images here, bit 1: the labels,
// so that the IDX parser behind a valid gzip stream is reached too; raw gzip bytes in the input
// exercise the gzip checks), the images' length (2 bytes, little-endian), then the two files' bytes.
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "data/idx.hpp"
#include "fuzz_support.hpp"

namespace {

std::vector<std::uint8_t> gzipped(std::span<const std::uint8_t> bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) nnlab::fuzz::finding("deflateInit2", "");
  std::vector<std::uint8_t> out(deflateBound(&stream, bytes.size()) + 32);
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) nnlab::fuzz::finding("deflate", "");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t flags = data[0];
  const std::span<const std::uint8_t> rest(data + 3, size - 3);
  const std::size_t split = std::min<std::size_t>(rest.size(), data[1] | (std::size_t{data[2]} << 8));
  std::vector<std::uint8_t> images(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(split));
  std::vector<std::uint8_t> labels(rest.begin() + static_cast<std::ptrdiff_t>(split), rest.end());
  if (flags & 1) images = gzipped(images);
  if (flags & 2) labels = gzipped(labels);
  const nnlab::fuzz::MemoryFile image_file("images", images), label_file("labels", labels);
  nnlab::fuzz::accepts([&] {
    const nnlab::Dataset dataset = nnlab::load_idx(image_file.path(), label_file.path(), 1.0 / 255);
    if (dataset.size() <= 0 || dataset.classes <= 0) nnlab::fuzz::finding("an accepted IDX data set without examples or classes", "");
  });
  return 0;
}
