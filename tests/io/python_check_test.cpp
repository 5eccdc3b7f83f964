// Cross-checks with tests/io/check_safetensors.py, an independent reader/writer built from
// the spec with Python's json + struct: our files must pass it, its files must read here.
#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "io/io_test_support.hpp"
#include "io/safetensors.hpp"

namespace nnlab {
namespace {

using testing::ScratchDirectory;

const std::string script = std::string(NNLAB_SOURCE_DIR) + "/tests/io/check_safetensors.py";

std::string shell_quoted(const std::filesystem::path& path) {
  std::string result = "'";
  result.append(path.string());
  return result += "'";
}

bool python_available() { return std::system("python3 -c 'import json, struct' > /dev/null 2>&1") == 0; }

int run_checker(const std::string& arguments) { return std::system(("python3 '" + script + "' " + arguments).c_str()); }

TEST(SafetensorsPython, OurFileIsValidForAnIndependentReader) {
  if (!python_available()) GTEST_SKIP() << "python3 not found";
  const ScratchDirectory scratch;
  const auto file = scratch / "ours.safetensors";
  const auto dump = scratch / "dump.json";
  std::vector<NamedTensor> tensors;
  tensors.push_back({"layers.0.weight", Tensor({2, 3}, {0.1f, -0.2f, 3e-39f, -0.0f, 1e30f, 7.0f})});
  tensors.push_back({"layers.0.bias",
                     Tensor({2}, {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()})});
  tensors.push_back({"scalar", Tensor(Shape{}, 2.5f)});
  tensors.push_back({"empty", Tensor({3, 0})});
  tensors.push_back({"x", Tensor({1, 1, 1}, {42.0f})});  // name length makes the header need padding
  const SafetensorsMetadata metadata{{"format", "pt"}, {"nnlab_population", "1"}};
  write_safetensors(file, tensors, metadata);

  ASSERT_EQ(run_checker("read " + shell_quoted(file) + " " + shell_quoted(dump)), 0);
  std::ifstream in(dump);
  const nlohmann::json contents = nlohmann::json::parse(in);
  EXPECT_EQ(contents.at("metadata").get<SafetensorsMetadata>(), metadata);
  const nlohmann::json& read = contents.at("tensors");
  ASSERT_EQ(read.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].name);
    EXPECT_EQ(read[i].at("name"), tensors[i].name);
    EXPECT_EQ(read[i].at("dtype"), "F32");
    EXPECT_EQ(read[i].at("shape").get<Shape>(), tensors[i].value.shape());
    std::vector<std::uint32_t> expected_bits;
    for (const float value : tensors[i].value.span()) expected_bits.push_back(std::bit_cast<std::uint32_t>(value));
    EXPECT_EQ(read[i].at("bits").get<std::vector<std::uint32_t>>(), expected_bits);
  }
}

TEST(SafetensorsPython, TheCheckerRejectsABrokenFile) {
  if (!python_available()) GTEST_SKIP() << "python3 not found";
  const ScratchDirectory scratch;
  const auto file = scratch / "gap.safetensors";
  // Padded header, but a 4-byte gap before the only tensor: the checker must not pass it.
  std::string header = R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  testing::write_bytes(file, testing::safetensors_bytes(header, testing::zero_bytes(8)));
  EXPECT_NE(run_checker("read " + shell_quoted(file) + " " + shell_quoted(scratch / "dump.json") + " 2> /dev/null"), 0);
}

TEST(SafetensorsPython, ReadsTheIndependentWritersFile) {
  if (!python_available()) GTEST_SKIP() << "python3 not found";
  const ScratchDirectory scratch;
  const auto file = scratch / "theirs.safetensors";
  ASSERT_EQ(run_checker("write " + shell_quoted(file)), 0);
  const SafetensorsFile read = read_safetensors_file(file);
  EXPECT_EQ(read.metadata, (SafetensorsMetadata{{"format", "pt"}, {"writer", "check_safetensors.py"}}));
  std::map<std::string, const Tensor*> by_name;
  for (const NamedTensor& tensor : read.tensors) by_name[tensor.name] = &tensor.value;
  ASSERT_EQ(by_name.size(), 5u);
  const auto values = [&](const std::string& name) {
    const Tensor& tensor = *by_name.at(name);
    return std::vector<float>(tensor.span().begin(), tensor.span().end());
  };
  // The values the script writes, converted to float32 by hand.
  EXPECT_EQ(by_name.at("w64")->shape(), (Shape{2, 2}));
  EXPECT_EQ(values("w64"), (std::vector<float>{0.5f, -1.25f, 3.0f, static_cast<float>(1e-3)}));
  EXPECT_EQ(by_name.at("f")->shape(), (Shape{2, 1}));
  EXPECT_EQ(values("f"), (std::vector<float>{0.1f, -7.75f}));
  EXPECT_EQ(values("h"), (std::vector<float>{1.0f, -0.5f, 0.333251953125f}));  // 1/3 rounded to binary16
  EXPECT_EQ(values("b"), (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(values("n"), (std::vector<float>{-5.0f, 9.0f}));
}

}  // namespace
}  // namespace nnlab
