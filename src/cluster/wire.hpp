// The bytes of nnlab's MPI messages: little-endian fixed-width integers, length-prefixed strings
// and byte blocks, raw float and int64 arrays. Both ends run the same nnlab on the same kind of
// CPU (docs/cluster.md), so no byte swapping; a short or malformed message is a logic_error
// (a bug or a foreign sender, never user input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace nnlab {

class ByteWriter {
 public:
  void u64(std::uint64_t value) { raw(&value, sizeof value); }
  void i64(std::int64_t value) { raw(&value, sizeof value); }
  void f64(double value) { raw(&value, sizeof value); }
  void text(std::string_view value) { block(std::as_bytes(std::span(value.data(), value.size()))); }
  void block(std::span<const std::byte> value) {
    u64(value.size());
    raw(value.data(), value.size());
  }
  template <typename T>
  void array(std::span<const T> values) {
    u64(values.size());
    raw(values.data(), values.size_bytes());
  }
  void label(const ArtefactLabel& label);
  std::vector<std::byte>& bytes() { return bytes_; }

 private:
  void raw(const void* data, std::size_t size) {
    const auto* begin = static_cast<const std::byte*>(data);
    bytes_.insert(bytes_.end(), begin, begin + size);
  }
  std::vector<std::byte> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::uint64_t u64() { return scalar<std::uint64_t>(); }
  std::int64_t i64() { return scalar<std::int64_t>(); }
  double f64() { return scalar<double>(); }
  std::string text() {
    const std::span<const std::byte> value = block();
    return std::string(reinterpret_cast<const char*>(value.data()), value.size());
  }
  std::span<const std::byte> block() {
    const std::uint64_t size = u64();
    return take(size);
  }
  template <typename T>
  std::vector<T> array() {
    const std::uint64_t count = u64();
    if (count > bytes_.size() / sizeof(T)) throw std::logic_error("nnlab MPI message: an array runs past the end");
    const std::span<const std::byte> raw = take(count * sizeof(T));
    std::vector<T> values(count);
    std::memcpy(values.data(), raw.data(), raw.size());
    return values;
  }
  ArtefactLabel label();
  bool done() const { return bytes_.empty(); }

 private:
  template <typename T>
  T scalar() {
    T value;
    std::memcpy(&value, take(sizeof value).data(), sizeof value);
    return value;
  }
  std::span<const std::byte> take(std::uint64_t size) {
    if (size > bytes_.size()) throw std::logic_error("nnlab MPI message: shorter than its contents say");
    const std::span<const std::byte> part = bytes_.first(size);
    bytes_ = bytes_.subspan(size);
    return part;
  }
  std::span<const std::byte> bytes_;
};

inline void ByteWriter::label(const ArtefactLabel& label) {
  i64(label.member ? *label.member : -1);
  text(label.kind);
  text(label.name);
  u64(label.epoch.has_value());
  i64(label.epoch.value_or(0));
}

inline ArtefactLabel ByteReader::label() {
  ArtefactLabel label;
  if (const std::int64_t member = i64(); member >= 0) label.member = member;
  label.kind = text();
  label.name = text();
  const bool has_epoch = u64() != 0;
  const std::int64_t epoch = i64();
  if (has_epoch) label.epoch = epoch;
  return label;
}

}  // namespace nnlab
