#include "data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace nnlab {

namespace {

namespace fs = std::filesystem;

// Deflate cannot compress better than about 1032:1, so a .gz file of S bytes holds at most
// ~1032*S bytes: a header promising more is a lie we can refuse before reading anything.
constexpr std::uint64_t deflate_max_ratio = 1032;
constexpr std::size_t gzip_chunk_bytes = std::size_t{1} << 20;

struct GzipCloser {
  void operator()(gzFile file) const noexcept { gzclose(file); }
};
using GzipFile = std::unique_ptr<gzFile_s, GzipCloser>;

std::string where(const fs::path& file, std::uint64_t offset) {
  return file.string() + ": offset " + std::to_string(offset);
}

std::string hex32(std::uint32_t value) {
  std::array<char, 11> text{};
  std::snprintf(text.data(), text.size(), "0x%08x", value);
  return text.data();
}

// A byte stream over a plain or gzip-compressed file; reads never allocate beyond what they return.
class IdxByteStream {
 public:
  explicit IdxByteStream(const fs::path& file) : file_(file) {
    std::error_code error;
    if (!fs::exists(file, error)) throw InputError(file.string() + ": no such file");
    if (fs::is_directory(file, error)) throw InputError(file.string() + ": is a directory, not an IDX file");
    file_size_ = fs::file_size(file, error);
    if (error) throw InputError(file.string() + ": cannot read size: " + error.message());

    std::array<unsigned char, 2> magic{};
    {
      std::ifstream probe(file, std::ios::binary);
      if (!probe) throw InputError(file.string() + ": cannot open for reading");
      probe.read(reinterpret_cast<char*>(magic.data()), 2);
      gzipped_ = probe.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
    if (gzipped_) {
      gzip_.reset(gzopen(file.c_str(), "rb"));
      if (!gzip_) throw InputError(file.string() + ": cannot open gzip stream");
      gzbuffer(gzip_.get(), 1u << 17);
    } else {
      plain_.open(file, std::ios::binary);
      if (!plain_) throw InputError(file.string() + ": cannot open for reading");
    }
  }

  bool gzipped() const { return gzipped_; }
  std::uint64_t file_size() const { return file_size_; }

  // Reads up to `count` bytes into `destination`; returns how many arrived (fewer = end of stream).
  std::size_t read(unsigned char* destination, std::size_t count) {
    std::size_t total = 0;
    while (total < count) {
      if (gzipped_) {
        const auto request = static_cast<unsigned>(std::min<std::size_t>(count - total, INT_MAX));
        const int got = gzread(gzip_.get(), destination + total, request);
        if (got < 0) {
          int code = 0;
          const char* message = gzerror(gzip_.get(), &code);
          throw InputError(where(file_, position_ + total) + ": corrupt gzip data: " + message);
        }
        if (got == 0) {
          // gzread reports a file cut short as a quiet end of data (Z_BUF_ERROR, so that a file
          // still being written can be read); the stream's trailer, CRC-32 and length, is then
          // missing and was never checked.
          int code = Z_OK;
          gzerror(gzip_.get(), &code);
          if (code == Z_BUF_ERROR)
            throw InputError(where(file_, position_ + total) +
                             ": truncated gzip file: it ends before the end of its compressed stream and the gzip trailer "
                             "(CRC-32 and length) that checks it");
          break;
        }
        total += static_cast<std::size_t>(got);
      } else {
        plain_.read(reinterpret_cast<char*>(destination + total), static_cast<std::streamsize>(count - total));
        const auto got = static_cast<std::size_t>(plain_.gcount());
        total += got;
        if (got == 0 || !plain_) break;
      }
    }
    position_ += total;
    return total;
  }

  std::uint64_t position() const { return position_; }

 private:
  fs::path file_;
  std::uint64_t file_size_ = 0;
  bool gzipped_ = false;
  std::ifstream plain_;
  GzipFile gzip_;
  std::uint64_t position_ = 0;
};

std::uint32_t big_endian_u32(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

struct IdxContents {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> body;
};

std::string dims_text(const std::vector<std::uint32_t>& dims) {
  std::string text;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) text += 'x';
    text += std::to_string(dims[i]);
  }
  return text;
}

// Reads one IDX file whose magic must be `magic` (type byte 0x08 = unsigned bytes, last byte = rank).
IdxContents read_idx_file(const fs::path& file, std::uint32_t magic, const char* what) {
  IdxByteStream stream(file);
  const std::size_t rank = magic & 0xffu;

  std::array<unsigned char, 4> magic_bytes{};
  const std::size_t magic_got = stream.read(magic_bytes.data(), 4);
  if (magic_got < 4) {
    throw InputError(where(file, magic_got) + ": truncated header: the file ends before the 4-byte magic number");
  }
  const std::uint32_t found_magic = big_endian_u32(magic_bytes.data());
  if (found_magic != magic) {
    throw InputError(where(file, 0) + ": wrong magic number " + hex32(found_magic) + ", expected " + hex32(magic) +
                     " (" + what + ")");
  }

  IdxContents contents;
  const std::uint64_t header_bytes = 4 + 4 * rank;
  for (std::size_t axis = 0; axis < rank; ++axis) {
    std::array<unsigned char, 4> dim_bytes{};
    const std::uint64_t offset = 4 + 4 * axis;
    if (stream.read(dim_bytes.data(), 4) < 4) {
      throw InputError(where(file, offset) + ": truncated header: the file ends inside dimension " +
                       std::to_string(axis));
    }
    const std::uint32_t dim = big_endian_u32(dim_bytes.data());
    if (dim == 0) throw InputError(where(file, offset) + ": dimension " + std::to_string(axis) + " is 0");
    contents.dims.push_back(dim);
  }

  // The size the header promises, checked against what the file can hold BEFORE anything is allocated:
  // the bytes left in a plain file, or the most a gzip file of this size could inflate to.
  std::uint64_t body_bytes = 1;
  bool overflow = false;
  for (const std::uint32_t dim : contents.dims) {
    overflow = overflow || __builtin_mul_overflow(body_bytes, std::uint64_t{dim}, &body_bytes);
  }
  const std::uint64_t available = stream.gzipped()
                                      ? std::min(idx_max_gzip_body_bytes, stream.file_size() * deflate_max_ratio)
                                      : (stream.file_size() >= header_bytes ? stream.file_size() - header_bytes : 0);
  if (overflow || body_bytes > available) {
    const std::string need = overflow ? "more than 2^64" : std::to_string(body_bytes);
    const std::string have = stream.gzipped() ? "this " + std::to_string(stream.file_size()) +
                                                    "-byte gzip file can hold at most " + std::to_string(available)
                                              : "the file has only " + std::to_string(available);
    throw InputError(where(file, 4) + ": header dimensions " + dims_text(contents.dims) + " need " + need +
                     " bytes of data, but " + have + " after the header");
  }

  // A plain file's size is now known to match; a .gz buffer grows only as data actually arrives, so a
  // lying header never costs more memory than the stream delivers.
  if (!stream.gzipped()) contents.body.reserve(static_cast<std::size_t>(body_bytes));
  std::uint64_t received = 0;
  while (received < body_bytes) {
    const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(body_bytes - received, gzip_chunk_bytes));
    contents.body.resize(static_cast<std::size_t>(received) + chunk);
    const std::size_t got = stream.read(contents.body.data() + received, chunk);
    received += got;
    if (got < chunk) {
      throw InputError(where(file, header_bytes + received) + ": truncated: the data ends after " +
                       std::to_string(received) + " of the " + std::to_string(body_bytes) + " bytes that dimensions " +
                       dims_text(contents.dims) + " need");
    }
  }
  unsigned char extra = 0;
  if (stream.read(&extra, 1) != 0) {
    throw InputError(where(file, header_bytes + body_bytes) + ": unexpected data after the " +
                     std::to_string(body_bytes) + " bytes that dimensions " + dims_text(contents.dims) + " need");
  }
  return contents;
}

bool wants_gzip(const fs::path& path) { return path.extension() == ".gz"; }

void put_big_endian_u32(std::vector<unsigned char>& bytes, std::uint32_t value) {
  bytes.push_back(static_cast<unsigned char>(value >> 24));
  bytes.push_back(static_cast<unsigned char>(value >> 16));
  bytes.push_back(static_cast<unsigned char>(value >> 8));
  bytes.push_back(static_cast<unsigned char>(value));
}

void write_bytes(const fs::path& path, std::span<const unsigned char> header, std::span<const std::uint8_t> body) {
  if (wants_gzip(path)) {
    GzipFile file(gzopen(path.c_str(), "wb"));
    if (!file) throw InputError(path.string() + ": cannot open for writing");
    for (const auto part : {header, std::span<const unsigned char>(body.data(), body.size())}) {
      std::size_t written = 0;
      while (written < part.size()) {
        const auto chunk = static_cast<unsigned>(std::min<std::size_t>(part.size() - written, INT_MAX));
        if (gzwrite(file.get(), part.data() + written, chunk) != static_cast<int>(chunk)) {
          throw InputError(path.string() + ": write failed");
        }
        written += chunk;
      }
    }
    if (gzclose(file.release()) != Z_OK) throw InputError(path.string() + ": write failed");
    return;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw InputError(path.string() + ": cannot open for writing");
  file.write(reinterpret_cast<const char*>(header.data()), static_cast<std::streamsize>(header.size()));
  file.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
  if (!file.flush()) throw InputError(path.string() + ": write failed");
}

std::uint32_t checked_dim(Index value, const char* name) {
  if (value <= 0 || value > Index{UINT32_MAX}) throw std::invalid_argument(std::string("write_idx: bad ") + name);
  return static_cast<std::uint32_t>(value);
}

}  // namespace

Dataset load_idx(const fs::path& images_path, const fs::path& labels_path, double scale) {
  const IdxContents images = read_idx_file(images_path, idx_images_magic, "IDX images: unsigned bytes, 3 dimensions");
  const IdxContents labels = read_idx_file(labels_path, idx_labels_magic, "IDX labels: unsigned bytes, 1 dimension");
  const Index count = images.dims[0];
  const Index rows = images.dims[1];
  const Index cols = images.dims[2];
  if (static_cast<Index>(labels.dims[0]) != count) {
    throw InputError(labels_path.string() + ": offset 4: " + std::to_string(labels.dims[0]) + " labels, but " +
                     images_path.string() + " has " + std::to_string(count) + " images");
  }

  Dataset dataset;
  dataset.name = images_path.filename().string();
  dataset.example_shape = {rows, cols};
  dataset.inputs = Tensor({count, rows * cols});
  float* inputs = dataset.inputs.data();
  for (std::size_t i = 0; i < images.body.size(); ++i) inputs[i] = static_cast<float>(images.body[i] * scale);
  dataset.labels.assign(labels.body.begin(), labels.body.end());
  dataset.classes = *std::max_element(labels.body.begin(), labels.body.end()) + 1;
  return dataset;
}

void write_idx_images(const fs::path& path, std::span<const std::uint8_t> pixels, Index count, Index rows, Index cols) {
  std::vector<unsigned char> header;
  put_big_endian_u32(header, idx_images_magic);
  put_big_endian_u32(header, checked_dim(count, "image count"));
  put_big_endian_u32(header, checked_dim(rows, "row count"));
  put_big_endian_u32(header, checked_dim(cols, "column count"));
  if (static_cast<Index>(pixels.size()) != count * rows * cols) {
    throw std::invalid_argument("write_idx_images: pixel count does not match count*rows*cols");
  }
  write_bytes(path, header, pixels);
}

void write_idx_labels(const fs::path& path, std::span<const std::uint8_t> labels) {
  std::vector<unsigned char> header;
  put_big_endian_u32(header, idx_labels_magic);
  put_big_endian_u32(header, checked_dim(static_cast<Index>(labels.size()), "label count"));
  write_bytes(path, header, labels);
}

}  // namespace nnlab
