#include "io/safetensors.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/io_test_support.hpp"

namespace nnlab {
namespace {

using testing::append;
using testing::append_hex;
using testing::Bytes;
using testing::expect_input_error;
using testing::safetensors_bytes;
using testing::ScratchDirectory;
using testing::zero_bytes;

std::vector<std::uint32_t> bits_of(std::span<const float> values) {
  std::vector<std::uint32_t> bits;
  for (const float value : values) bits.push_back(std::bit_cast<std::uint32_t>(value));
  return bits;
}

// A tensor described as the file stores it: dtype name, shape as JSON text, raw bytes.
struct RawTensor {
  std::string name;
  std::string dtype;
  std::string shape;
  Bytes data;
};

// Lays the tensors out one after another, as any conforming writer would (test-side code,
// independent of the writer under test).
Bytes build_file(const std::vector<RawTensor>& tensors, const std::string& metadata_json = "") {
  std::string header = "{";
  if (!metadata_json.empty()) header += "\"__metadata__\":" + metadata_json;
  std::size_t offset = 0;
  Bytes data;
  for (const RawTensor& tensor : tensors) {
    if (header.size() > 1) header += ",";
    const std::size_t end = offset + tensor.data.size();
    header += "\"" + tensor.name + "\":{\"dtype\":\"" + tensor.dtype + "\",\"shape\":" + tensor.shape +
              ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
    data.insert(data.end(), tensor.data.begin(), tensor.data.end());
    offset = end;
  }
  header += "}";
  return safetensors_bytes(header, data);
}

Bytes hex(std::initializer_list<unsigned> values) {
  Bytes bytes;
  append_hex(bytes, values);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Round trip

TEST(SafetensorsRoundTrip, ValuesBitExactNamesOrderShapesMetadata) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  std::vector<NamedTensor> tensors;
  tensors.push_back({"zeta.weight", Tensor({2, 3}, {1.0f, -2.5f, 3.25f, 0.0f, -0.0f, 1e-40f})});  // 1e-40: subnormal
  tensors.push_back(
      {"alpha", Tensor({4}, {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                             std::bit_cast<float>(0x7fc12345u), std::bit_cast<float>(0xffa00001u)})});  // NaN payloads
  tensors.push_back({"scalar", Tensor(Shape{}, 7.0f)});
  tensors.push_back({"empty", Tensor({0, 3})});
  tensors.push_back({"population", Tensor({2, 1, 2}, {0.1f, 0.2f, 0.3f, 0.4f})});
  const SafetensorsMetadata metadata{{"format", "pt"}, {"note", "héllo \"quoted\""}};

  write_safetensors(file, tensors, metadata);
  const SafetensorsFile read = read_safetensors_file(file);

  EXPECT_EQ(read.metadata, metadata);
  ASSERT_EQ(read.tensors.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].name);
    EXPECT_EQ(read.tensors[i].name, tensors[i].name);  // written order is data order is read order
    EXPECT_EQ(read.tensors[i].value.shape(), tensors[i].value.shape());
    EXPECT_EQ(bits_of(read.tensors[i].value.span()), bits_of(tensors[i].value.span()));
  }
  EXPECT_FALSE(std::filesystem::exists(scratch / "model.safetensors.tmp"));
}

TEST(SafetensorsRoundTrip, HeaderIsPaddedWithSpacesToEightBytes) {
  const ScratchDirectory scratch;
  const auto file = scratch / "pad.safetensors";
  for (const std::string name : {"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"}) {
    const std::vector<NamedTensor> tensors{{name, Tensor({1}, {1.0f})}};
    write_safetensors(file, tensors);
    const Bytes bytes = testing::read_bytes(file);
    std::uint64_t header_length = 0;
    for (int i = 7; i >= 0; --i)
      header_length = header_length << 8 | std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(i)]);
    EXPECT_EQ(header_length % 8, 0u) << name;
    EXPECT_EQ(bytes.size(), 8 + header_length + 4) << name;
    EXPECT_EQ(static_cast<char>(bytes[8]), '{');
    // Everything after the closing brace is space padding.
    const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, header_length);
    const std::size_t close = header.rfind('}');
    EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos) << header;
    EXPECT_EQ(read_safetensors(file).front().value[0], 1.0f);
  }
}

TEST(SafetensorsRoundTrip, NoTensorsIsAValidFile) {
  const ScratchDirectory scratch;
  const auto file = scratch / "empty.safetensors";
  write_safetensors(file, std::span<const NamedTensor>{}, {{"k", "v"}});
  const SafetensorsFile read = read_safetensors_file(file);
  EXPECT_TRUE(read.tensors.empty());
  EXPECT_EQ(read.metadata.at("k"), "v");
}

TEST(SafetensorsRoundTrip, OverwritesAtomicallyAndViewsWriteReshapedData) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  write_safetensors(file, std::vector<NamedTensor>{{"old", Tensor({1}, {9.0f})}});
  const Tensor member({1, 2, 2}, {1, 2, 3, 4});
  const std::vector<NamedTensorView> views{{"w", {2, 2}, member.span()}};
  write_safetensors(file, std::span<const NamedTensorView>(views));
  const std::vector<NamedTensor> read = read_safetensors(file);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].name, "w");
  EXPECT_EQ(read[0].value.shape(), (Shape{2, 2}));
  EXPECT_EQ(read[0].value[3], 4.0f);
}

TEST(SafetensorsWrite, ProgrammingErrorsAndUnwritablePaths) {
  const ScratchDirectory scratch;
  const auto file = scratch / "x.safetensors";
  const std::vector<NamedTensor> duplicate{{"a", Tensor({1})}, {"a", Tensor({1})}};
  EXPECT_THROW(write_safetensors(file, duplicate), std::invalid_argument);
  const std::vector<NamedTensor> reserved{{"__metadata__", Tensor({1})}};
  EXPECT_THROW(write_safetensors(file, reserved), std::invalid_argument);
  const std::vector<NamedTensor> uninitialised{{"a", Tensor()}};
  EXPECT_THROW(write_safetensors(file, uninitialised), std::invalid_argument);
  const std::vector<NamedTensor> bad_utf8{{"\xff", Tensor({1})}};
  EXPECT_THROW(write_safetensors(file, bad_utf8), std::invalid_argument);
  const float values[3] = {1, 2, 3};
  const std::vector<NamedTensorView> mismatched{{"a", {2, 2}, values}};
  EXPECT_THROW(write_safetensors(file, std::span<const NamedTensorView>(mismatched)), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(file));

  const std::vector<NamedTensor> fine{{"a", Tensor({1})}};
  expect_input_error([&] { write_safetensors(scratch / "no_such_dir" / "x.safetensors", fine); },
                     {"no_such_dir/x.safetensors.tmp", "cannot write"});
}

// ---------------------------------------------------------------------------------------------
// Files written by other (PyTorch-compatible) writers, as bytes by hand

TEST(SafetensorsForeign, ReadsAHandWrittenTorchStyleFile) {
  // What safetensors.torch.save_file({"weight": [[1,2,3],[4,5,6]], "bias": [0.5,-1]}) lays out:
  // header keys in any order, data in offset order, header padded with spaces.
  std::string header =
      R"({"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]},)"
      R"("bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  const Bytes data = hex({0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf,                            // bias: 0.5, -1
                          0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40,    // 1, 2, 3
                          0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xa0, 0x40, 0x00, 0x00, 0xc0, 0x40});  // 4, 5, 6
  const SafetensorsFile read = parse_safetensors(safetensors_bytes(header, data), "torch.safetensors");
  EXPECT_EQ(read.metadata, (SafetensorsMetadata{{"format", "pt"}}));
  ASSERT_EQ(read.tensors.size(), 2u);
  EXPECT_EQ(read.tensors[0].name, "bias");
  EXPECT_EQ(read.tensors[0].value.shape(), (Shape{2}));
  EXPECT_EQ(read.tensors[0].value[0], 0.5f);
  EXPECT_EQ(read.tensors[0].value[1], -1.0f);
  EXPECT_EQ(read.tensors[1].name, "weight");
  EXPECT_EQ(read.tensors[1].value.shape(), (Shape{2, 3}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(read.tensors[1].value[i], static_cast<float>(i + 1));
}

TEST(SafetensorsForeign, ConvertsEveryReadableDtypeToFloat) {
  const Bytes file = build_file({
      // 1.5, -2.25, 0.1, 1e300 (beyond float: +inf)
      {"f64", "F64", "[4]",
       hex({0,    0,    0,    0,    0,    0,    0xf8, 0x3f, 0,    0,    0,    0,    0,    0,    0x02, 0xc0,
            0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, 0x9c, 0x75, 0x00, 0x88, 0x3c, 0xe4, 0x37, 0x7e})},
      // 1, -2, 65504 (largest), 2^-24 (smallest subnormal), +inf, -0, 0x3555 = 0.333251953125, NaN
      {"f16", "F16", "[2,4]",
       hex({0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x00, 0x80, 0x55, 0x35, 0x00, 0x7e})},
      // 0x03ff: largest subnormal, 1023 * 2^-24
      {"f16_subnormal", "F16", "[1]", hex({0xff, 0x03})},
      // 1, 3.140625, -123.5
      {"bf16", "BF16", "[3]", hex({0x80, 0x3f, 0x49, 0x40, 0xf7, 0xc2})},
      {"i64", "I64", "[2]", hex({0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0, 0, 0, 0, 0, 0})},
      {"u8", "U8", "[2]", hex({0xff, 0x00})},
      {"bool", "BOOL", "[2]", hex({0x00, 0x01})},
      {"i32", "I32", "[1]", hex({0x60, 0x79, 0xfe, 0xff})},  // -100000
      {"u16", "U16", "[1]", hex({0xff, 0xff})},
      {"i8", "I8", "[1]", hex({0x80})},
      {"i16", "I16", "[1]", hex({0xfe, 0xff})},
      {"u32", "U32", "[1]", hex({0x00, 0x28, 0x6b, 0xee})},        // 4e9
      {"u64", "U64", "[1]", hex({0x01, 0, 0, 0, 0, 0, 0x20, 0})},  // 2^53 + 1 -> 2^53
      {"f32", "F32", "[]", hex({0x00, 0x00, 0x80, 0x3f})},         // scalar 1
  });
  const SafetensorsFile read = parse_safetensors(file, "dtypes.safetensors");
  std::map<std::string, const Tensor*> by_name;
  for (const NamedTensor& tensor : read.tensors) by_name[tensor.name] = &tensor.value;
  ASSERT_EQ(by_name.size(), 14u);
  const auto values = [&](const std::string& name) {
    const Tensor& tensor = *by_name.at(name);
    return std::vector<float>(tensor.span().begin(), tensor.span().end());
  };
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(values("f64"), (std::vector<float>{1.5f, -2.25f, 0.1f, inf}));
  const std::vector<float> half = values("f16");
  EXPECT_EQ(by_name.at("f16")->shape(), (Shape{2, 4}));
  EXPECT_EQ(std::vector<float>(half.begin(), half.end() - 1),
            (std::vector<float>{1.0f, -2.0f, 65504.0f, 5.9604644775390625e-8f, inf, -0.0f, 0.333251953125f}));
  EXPECT_TRUE(std::signbit(half[5]));
  EXPECT_TRUE(std::isnan(half[7]));
  EXPECT_EQ(values("f16_subnormal"), (std::vector<float>{6.0975551605224609375e-5f}));
  EXPECT_EQ(values("bf16"), (std::vector<float>{1.0f, 3.140625f, -123.5f}));
  EXPECT_EQ(values("i64"), (std::vector<float>{-3.0f, 7.0f}));
  EXPECT_EQ(values("u8"), (std::vector<float>{255.0f, 0.0f}));
  EXPECT_EQ(values("bool"), (std::vector<float>{0.0f, 1.0f}));
  EXPECT_EQ(values("i32"), (std::vector<float>{-100000.0f}));
  EXPECT_EQ(values("u16"), (std::vector<float>{65535.0f}));
  EXPECT_EQ(values("i8"), (std::vector<float>{-128.0f}));
  EXPECT_EQ(values("i16"), (std::vector<float>{-2.0f}));
  EXPECT_EQ(values("u32"), (std::vector<float>{4e9f}));
  EXPECT_EQ(values("u64"), (std::vector<float>{9007199254740992.0f}));
  EXPECT_EQ(by_name.at("f32")->shape(), Shape{});
  EXPECT_EQ(values("f32"), (std::vector<float>{1.0f}));
}

TEST(SafetensorsForeign, ZeroSizedTensorsShareAnOffset) {
  const Bytes file = safetensors_bytes(
      R"({"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("c":{"dtype":"F16","shape":[3,0],"data_offsets":[4,4]},"__metadata__":null})",
      hex({0, 0, 0x80, 0x3f}));
  const SafetensorsFile read = parse_safetensors(file, "zero.safetensors");
  ASSERT_EQ(read.tensors.size(), 3u);
  EXPECT_EQ(read.tensors[0].name, "a");
  EXPECT_EQ(read.tensors[1].value.shape(), (Shape{0}));
  EXPECT_EQ(read.tensors[2].value.shape(), (Shape{3, 0}));
  EXPECT_TRUE(read.metadata.empty());
}

// ---------------------------------------------------------------------------------------------
// Malformed files: each an InputError naming the file and where

class SafetensorsMalformed : public ::testing::Test {
 protected:
  // Expects both the file reader and the memory parser to reject `bytes` with the fragments.
  void expect_rejected(const Bytes& bytes, std::initializer_list<std::string_view> fragments) {
    const auto file = scratch_ / "bad.safetensors";
    testing::write_bytes(file, bytes);
    std::vector<std::string_view> with_file(fragments);
    const std::string file_name = file.string() + ": ";
    with_file.push_back(file_name);
    try {
      read_safetensors(file);
      ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_EQ(message.rfind(file_name, 0), 0u) << message;
      for (const std::string_view fragment : fragments)
        EXPECT_NE(message.find(fragment), std::string::npos) << "message: " << message << "\nmissing: " << fragment;
    }
    expect_input_error([&] { parse_safetensors(bytes, "memory"); }, fragments);
  }
  // One F32 tensor "t" with the given entry fields (JSON text) and data bytes.
  void expect_entry_rejected(const std::string& entry, std::size_t data_bytes,
                             std::initializer_list<std::string_view> fragments) {
    expect_rejected(safetensors_bytes(R"({"t":)" + entry + "}", zero_bytes(data_bytes)), fragments);
  }

  ScratchDirectory scratch_;
};

TEST_F(SafetensorsMalformed, MissingFile) {
  expect_input_error([&] { read_safetensors(scratch_ / "absent.safetensors"); }, {"absent.safetensors: cannot read"});
  expect_input_error([&] { read_safetensors(scratch_.path()); }, {"cannot read"});
}

TEST_F(SafetensorsMalformed, ShorterThanTheLengthField) {
  for (std::size_t size = 0; size < 8; ++size) expect_rejected(zero_bytes(size), {"byte 0", "too short"});
}

TEST_F(SafetensorsMalformed, HeaderLengthBeyondTheFile) {
  Bytes bytes;
  testing::append_u64_le(bytes, 200);
  append(bytes, "{}");
  expect_rejected(bytes, {"byte 0", "header length 200 exceeds the 2 bytes"});
  bytes.clear();
  testing::append_u64_le(bytes, std::numeric_limits<std::uint64_t>::max());
  append(bytes, "{}");
  expect_rejected(bytes, {"byte 0", "header length 18446744073709551615"});
}

TEST_F(SafetensorsMalformed, HeaderLengthOverTheLimit) {
  Bytes bytes;
  testing::append_u64_le(bytes, safetensors_max_header_bytes + 1);
  append(bytes, "{}");
  expect_rejected(bytes, {"byte 0", "exceeds the limit of 100000000 bytes"});
}

TEST_F(SafetensorsMalformed, HeaderNotJson) {
  expect_rejected(safetensors_bytes(R"({"t": )"), {"byte 14", "header is not valid JSON"});
  expect_rejected(safetensors_bytes(R"({"t": 1} trailing)"), {"not valid JSON"});
  expect_rejected(safetensors_bytes("{\"\xff\": 1}"), {"not valid JSON"});  // invalid UTF-8
  expect_rejected(safetensors_bytes(""), {"byte 8", "does not start with '{'"});
  expect_rejected(safetensors_bytes(std::string_view("\0\0\0\0", 4)), {"byte 8", "does not start with '{'"});
}

TEST_F(SafetensorsMalformed, HeaderNotAnObject) {
  expect_rejected(safetensors_bytes("[1, 2]"), {"byte 8", "does not start with '{'"});
  expect_rejected(safetensors_bytes(R"("text")"), {"does not start with '{'"});
  expect_rejected(safetensors_bytes(R"({"t": [1, 2]})"), {"tensor 't'", "entry is not a JSON object"});
}

TEST_F(SafetensorsMalformed, HeaderNestedTooDeeply) {
  expect_rejected(safetensors_bytes(R"({"t":{"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}}"),
                  {"nests deeper than"});
}

TEST_F(SafetensorsMalformed, EntryWithoutDtypeShapeOrOffsets) {
  expect_entry_rejected(R"({"shape":[1],"data_offsets":[0,4]})", 4, {"tensor 't'", "missing \"dtype\""});
  expect_entry_rejected(R"({"dtype":"F32","data_offsets":[0,4]})", 4, {"tensor 't'", "missing \"shape\""});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1]})", 4, {"tensor 't'", "missing \"data_offsets\""});
}

TEST_F(SafetensorsMalformed, UnknownOrUnsupportedDtype) {
  expect_entry_rejected(R"({"dtype":"F17","shape":[1],"data_offsets":[0,4]})", 4,
                        {"tensor 't'", "unknown dtype 'F17'"});
  expect_entry_rejected(R"({"dtype":"f32","shape":[1],"data_offsets":[0,4]})", 4, {"unknown dtype 'f32'"});
  expect_entry_rejected(R"({"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]})", 1, {"'F8_E4M3' is not supported"});
  expect_entry_rejected(R"({"dtype":4,"shape":[1],"data_offsets":[0,4]})", 4, {"dtype is not a string"});
}

TEST_F(SafetensorsMalformed, BadShape) {
  expect_entry_rejected(R"({"dtype":"F32","shape":[-1],"data_offsets":[0,4]})", 4, {"tensor 't'", "negative"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1.5],"data_offsets":[0,4]})", 4, {"tensor 't'", "not an integer"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1.0],"data_offsets":[0,4]})", 4, {"not an integer"});
  expect_entry_rejected(R"({"dtype":"F32","shape":["1"],"data_offsets":[0,4]})", 4, {"not a number"});
  expect_entry_rejected(R"({"dtype":"F32","shape":1,"data_offsets":[0,4]})", 4, {"shape is not an array"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,4]})", 4, {"too large"});
}

TEST_F(SafetensorsMalformed, ShapeProductOverflows) {
  // 2^32 * 2^32 overflows 64 bits; a zero at the end does not rescue it (checked left to right).
  expect_entry_rejected(R"({"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]})", 0, {"overflows"});
  // Element count fits, byte count (x 4) does not.
  expect_entry_rejected(R"({"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]})", 4,
                        {"needs 4611686018427387904 x 4"});
}

TEST_F(SafetensorsMalformed, BadOffsets) {
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[0]})", 4, {"tensor 't'", "not [begin, end]"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4,8]})", 8, {"not [begin, end]"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":"0-4"})", 4, {"not [begin, end]"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[-4,0]})", 4, {"negative"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4.0]})", 4, {"not an integer"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[8,4]})", 8, {"tensor 't'", "end before begin"});
}

TEST_F(SafetensorsMalformed, EndBeyondTheDataBlock) {
  expect_entry_rejected(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})", 4,
                        {"tensor 't'", "beyond the data block of 4 bytes"});
  // A huge claimed tensor is refused from the header alone, never allocated.
  expect_entry_rejected(R"({"dtype":"F32","shape":[1000000000000],"data_offsets":[0,4000000000000]})", 4,
                        {"beyond the data block"});
}

TEST_F(SafetensorsMalformed, ByteCountDisagreesWithShape) {
  expect_entry_rejected(R"({"dtype":"F32","shape":[2],"data_offsets":[0,4]})", 4,
                        {"tensor 't'", "4 data bytes", "needs 2 x 4"});
  expect_entry_rejected(R"({"dtype":"F64","shape":[1],"data_offsets":[0,4]})", 4, {"needs 1 x 8"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[],"data_offsets":[0,0]})", 0, {"needs 1 x 4"});
}

TEST_F(SafetensorsMalformed, OverlappingTensors) {
  expect_rejected(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                    zero_bytes(8)),
                  {"tensor 'b'", "overlaps tensor 'a'"});
  expect_rejected(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                    zero_bytes(4)),
                  {"overlaps"});
}

TEST_F(SafetensorsMalformed, GapBetweenTensors) {
  expect_rejected(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                                    zero_bytes(12)),
                  {"tensor 'b'", "gap", "starts at 8", "end at 4"});
  expect_entry_rejected(R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})", 8, {"tensor 't'", "gap", "starts at 4"});
}

TEST_F(SafetensorsMalformed, TrailingBytesAfterTheLastTensor) {
  // The header {"t":{...}} is 54 bytes, so the tensor's data is file bytes [62, 66) and the stray bytes start at 66.
  const std::string entry = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
  ASSERT_EQ(entry.size(), 48u);
  expect_entry_rejected(entry, 6, {"byte 66", "2 bytes after the last tensor"});
  expect_rejected(safetensors_bytes("{}", zero_bytes(3)), {"byte 10", "3 bytes after"});
}

TEST_F(SafetensorsMalformed, DuplicateNamesAndKeys) {
  expect_rejected(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                    R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                    zero_bytes(8)),
                  {"duplicate tensor name 'a'"});
  expect_rejected(safetensors_bytes(R"({"__metadata__":{"k":"1","k":"2"}})"), {"__metadata__", "duplicate key 'k'"});
  expect_entry_rejected(R"({"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]})", 4,
                        {"t: duplicate key 'dtype'"});
}

TEST_F(SafetensorsMalformed, BadMetadata) {
  expect_rejected(safetensors_bytes(R"({"__metadata__":[1]})"), {"__metadata__: not a JSON object"});
  expect_rejected(safetensors_bytes(R"({"__metadata__":{"epochs":3}})"), {"__metadata__", "'epochs' is not a string"});
}

// ---------------------------------------------------------------------------------------------
// Robustness: every truncation and thousands of random corruptions of a valid file

Bytes valid_mixed_file() {
  return build_file({{"layers.0.weight", "F32", "[2,3]", zero_bytes(24)},
                     {"layers.0.bias", "F16", "[2]", hex({0x00, 0x3c, 0x00, 0xc0})},
                     {"layers.1.weight", "F64", "[1,2]", zero_bytes(16)},
                     {"layers.1.bias", "BF16", "[1]", hex({0x80, 0x3f})},
                     {"steps", "I64", "[]", zero_bytes(8)}},
                    R"({"format":"pt","nnlab_population":"1"})");
}

TEST(SafetensorsRobustness, EveryTruncationIsAnInputError) {
  const ScratchDirectory scratch;
  const Bytes valid = valid_mixed_file();
  ASSERT_EQ(parse_safetensors(valid, "valid").tensors.size(), 5u);  // the base file is fine
  const auto file = scratch / "truncated.safetensors";
  for (std::size_t size = 0; size < valid.size(); ++size) {
    const Bytes truncated(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(size));
    testing::write_bytes(file, truncated);
    EXPECT_THROW(read_safetensors(file), InputError) << "truncated to " << size << " bytes";
    EXPECT_THROW(parse_safetensors(truncated, "memory"), InputError) << "truncated to " << size << " bytes";
  }
}

TEST(SafetensorsRobustness, RandomCorruptionThrowsInputErrorOrReadsWithinBounds) {
  const Bytes valid = valid_mixed_file();
  const std::string header_characters = "0123456789[]{},:\"- .eE";
  CounterRng rng(20240601, RngPurpose::data);
  int accepted = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    Bytes mutated = valid;
    const int mutations = 1 + static_cast<int>(rng.below(4));
    for (int m = 0; m < mutations; ++m) {
      const auto position = static_cast<std::size_t>(rng.below(mutated.size()));
      switch (rng.below(4)) {
        case 0: mutated[position] = static_cast<std::byte>(rng.below(256)); break;  // any byte anywhere
        case 1:  // a JSON-ish character inside the header, to change numbers and structure
          mutated[8 + rng.below(mutated.size() - 8)] =
              static_cast<std::byte>(header_characters[rng.below(header_characters.size())]);
          break;
        case 2: mutated[rng.below(8)] = static_cast<std::byte>(rng.below(256)); break;           // the length field
        default: mutated.erase(mutated.begin() + static_cast<std::ptrdiff_t>(position)); break;  // drop a byte
      }
    }
    try {
      const SafetensorsFile read = parse_safetensors(mutated, "fuzz");
      std::size_t elements = 0;
      for (const NamedTensor& tensor : read.tensors) elements += static_cast<std::size_t>(tensor.value.size());
      EXPECT_LE(elements, mutated.size()) << "trial " << trial;  // every element came from at least one file byte
      ++accepted;
    } catch (const InputError&) {
    } catch (const std::exception& error) {
      ADD_FAILURE() << "trial " << trial << ": not an InputError: " << error.what();
    }
  }
  // Corrupting data bytes only changes values, so some mutations must still read.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 4000);
}

}  // namespace
}  // namespace nnlab
