// Helpers for the io tests: a scratch directory per test and safetensors files built by hand.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab::testing {

using Bytes = std::vector<std::byte>;

inline void append(Bytes& bytes, std::string_view text) {
  for (const char c : text) bytes.push_back(static_cast<std::byte>(c));
}

inline void append_hex(Bytes& bytes, std::initializer_list<unsigned> values) {
  for (const unsigned value : values) bytes.push_back(static_cast<std::byte>(value));
}

// The 8-byte little-endian length, assembled byte by byte.
inline void append_u64_le(Bytes& bytes, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xffu));
}

// length field + header text + data, exactly as given (no padding).
inline Bytes safetensors_bytes(std::string_view header, const Bytes& data = {}) {
  Bytes bytes;
  append_u64_le(bytes, header.size());
  append(bytes, header);
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

inline Bytes zero_bytes(std::size_t count) { return Bytes(count, std::byte{0}); }

inline void write_bytes(const std::filesystem::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << file;
}

inline Bytes read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

}  // namespace nnlab::testing
