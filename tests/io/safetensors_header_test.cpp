// Hostile safetensors headers: numbers out of range, NUL bytes, huge names. Each is an
// InputError naming the file and the byte offset, one short line.
#include <gtest/gtest.h>

#include <string>

#include "io/io_test_support.hpp"
#include "io/safetensors.hpp"

namespace nnlab {
namespace {

using testing::Bytes;
using testing::expect_input_error;
using testing::safetensors_bytes;
using testing::zero_bytes;

// The byte offset of `needle` within the file: 8 length bytes, then the header text.
std::string byte_of(const std::string& header, const std::string& needle) {
  return "byte " + std::to_string(8 + header.find(needle));
}

TEST(SafetensorsHeader, NumberOverflowIsAnInputErrorAtItsByte) {
  for (const std::string number : {"1e999", "-1e999", "1E400"}) {
    const std::string header = R"({"t":{"dtype":"F32","shape":[)" + number + R"(],"data_offsets":[0,4]}})";
    expect_input_error([&] { parse_safetensors(safetensors_bytes(header, zero_bytes(4)), "overflow"); },
                       {"overflow: ", byte_of(header, number), "number", number});
  }
  const std::string offsets = R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4e400]}})";
  expect_input_error([&] { parse_safetensors(safetensors_bytes(offsets, zero_bytes(4)), "offsets"); },
                     {byte_of(offsets, "4e400")});
}

TEST(SafetensorsHeader, AnythingAfterANulByteIsRefused) {
  const std::string valid = R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  ASSERT_EQ(parse_safetensors(safetensors_bytes(valid, zero_bytes(4)), "valid").tensors.size(), 1u);
  // A NUL ends the JSON for nlohmann, so what follows it was silently ignored.
  const std::string hidden = valid + std::string(1, '\0') + R"({"u": "ignored"})";
  expect_input_error([&] { parse_safetensors(safetensors_bytes(hidden, zero_bytes(4)), "hidden"); },
                     {"hidden: byte " + std::to_string(8 + valid.size()), "NUL"});
  // NUL padding instead of the spaces the format pads with.
  const std::string padded = valid + std::string(3, '\0');
  expect_input_error([&] { parse_safetensors(safetensors_bytes(padded, zero_bytes(4)), "padded"); },
                     {"padded: byte " + std::to_string(8 + valid.size()), "NUL"});
  // Inside a name.
  const std::string named = std::string(R"({"a)") + '\0' + R"(b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  expect_input_error([&] { parse_safetensors(safetensors_bytes(named, zero_bytes(4)), "named"); }, {"named: byte 11", "NUL"});
}

TEST(SafetensorsHeader, HugeNamesAndValuesAreCappedInTheMessage) {
  const std::string name(100'000, 'n');
  const std::string bad_dtype = R"({")" + name + R"(":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}})";
  std::string message = expect_input_error(
      [&] { parse_safetensors(safetensors_bytes(bad_dtype, zero_bytes(4)), "long"); }, {"long: tensor 'nnnn", "100,000"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  const std::string dtype(100'000, 'D');
  const std::string long_dtype = R"({"t":{"dtype":")" + dtype + R"(","shape":[1],"data_offsets":[0,4]}})";
  message = expect_input_error([&] { parse_safetensors(safetensors_bytes(long_dtype, zero_bytes(4)), "dtype"); },
                               {"unknown dtype 'DDD"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  std::string shape = "[";
  for (int i = 0; i < 20'000; ++i) shape += "2,";
  shape += "2]";
  const std::string long_shape = R"({"t":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":[0,4]}})";
  message = expect_input_error([&] { parse_safetensors(safetensors_bytes(long_shape, zero_bytes(4)), "shape"); },
                               {"tensor 't'", "overflows"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  // nlohmann's own message echoes the last token read: a 100 kB unterminated string.
  const std::string unterminated = R"({"t":{"dtype":")" + dtype;
  message = expect_input_error([&] { parse_safetensors(safetensors_bytes(unterminated), "json"); }, {"not valid JSON"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  const std::string metadata = R"({"__metadata__":{")" + name + R"(":1}})";
  message = expect_input_error([&] { parse_safetensors(safetensors_bytes(metadata), "meta"); }, {"__metadata__"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);
}

}  // namespace
}  // namespace nnlab
