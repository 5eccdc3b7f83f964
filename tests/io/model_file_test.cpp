#include "io/model_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/io_test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::ScratchDirectory;

// A 3-2-1 network's parameters for P members; member m's values are offset by 100 * m.
std::vector<NamedTensor> population_parameters(Index population) {
  std::vector<NamedTensor> parameters;
  const std::vector<std::pair<std::string, Shape>> layout{
      {"layers.0.weight", {2, 3}}, {"layers.0.bias", {2}}, {"layers.1.weight", {1, 2}}, {"layers.1.bias", {1}}};
  float next = 1.0f;
  for (const auto& [name, shape] : layout) {
    Shape full{population};
    full.insert(full.end(), shape.begin(), shape.end());
    Tensor value(full);
    for (Index m = 0; m < population; ++m)
      for (Index i = 0; i < value.slice_size(); ++i)
        value.slice(m)[i] = next + static_cast<float>(i) + 100.0f * static_cast<float>(m);
    next += 10.0f;
    parameters.push_back({name, std::move(value)});
  }
  return parameters;
}

const std::vector<ExpectedTensor> expected_321{
    {"layers.0.weight", {2, 3}}, {"layers.0.bias", {2}}, {"layers.1.weight", {1, 2}}, {"layers.1.bias", {1}}};

// name -> shape as stored in the file
std::map<std::string, Shape> stored_shapes(const std::filesystem::path& file) {
  std::map<std::string, Shape> shapes;
  for (const NamedTensor& tensor : read_safetensors(file)) shapes[tensor.name] = tensor.value.shape();
  return shapes;
}

TEST(ModelFile, LayerNames) {
  EXPECT_EQ(layer_weight_name(0), "layers.0.weight");
  EXPECT_EQ(layer_bias_name(12), "layers.12.bias");
}

TEST(ModelFile, SingleMemberWritesThePlainPyTorchLayout) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  const std::vector<NamedTensor> parameters = population_parameters(1);
  write_model_file(file, parameters);

  const SafetensorsFile contents = read_safetensors_file(file);
  EXPECT_EQ(contents.metadata, (SafetensorsMetadata{{"format", "pt"}, {"nnlab_population", "1"}}));
  EXPECT_EQ(
      stored_shapes(file),
      (std::map<std::string, Shape>{
          {"layers.0.weight", {2, 3}}, {"layers.0.bias", {2}}, {"layers.1.weight", {1, 2}}, {"layers.1.bias", {1}}}));
  // layers.0.weight row-major [out, in]: 1 2 3 / 4 5 6
  EXPECT_EQ(contents.tensors[0].name, "layers.0.weight");
  EXPECT_EQ(std::vector<float>(contents.tensors[0].value.span().begin(), contents.tensors[0].value.span().end()),
            (std::vector<float>{1, 2, 3, 4, 5, 6}));

  const std::map<std::string, Tensor> loaded = read_model_file(file, expected_321);
  ASSERT_EQ(loaded.size(), 4u);
  for (const NamedTensor& parameter : parameters) {
    const Tensor& value = loaded.at(parameter.name);
    EXPECT_EQ(value.shape(), parameter.value.shape()) << parameter.name;  // [1, ...] again
    for (Index i = 0; i < value.size(); ++i) EXPECT_EQ(value[i], parameter.value[i]) << parameter.name;
  }
}

TEST(ModelFile, PopulationKeepsTheMemberAxisAndLoadsOneChosenMember) {
  const ScratchDirectory scratch;
  const auto file = scratch / "population.safetensors";
  write_model_file(file, population_parameters(3));
  EXPECT_EQ(read_safetensors_file(file).metadata.at("nnlab_population"), "3");
  EXPECT_EQ(stored_shapes(file).at("layers.0.weight"), (Shape{3, 2, 3}));
  EXPECT_EQ(stored_shapes(file).at("layers.1.bias"), (Shape{3, 1}));

  expect_input_error([&] { read_model_file(file, expected_321); },
                     {"population.safetensors", "population of 3 members"});
  const std::map<std::string, Tensor> member2 = read_model_file(file, expected_321, 2);
  EXPECT_EQ(member2.at("layers.0.weight").shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(member2.at("layers.0.weight")[0], 201.0f);
  EXPECT_EQ(member2.at("layers.0.weight")[5], 206.0f);
  EXPECT_EQ(member2.at("layers.1.bias")[0], 231.0f);
  expect_input_error([&] { read_model_file(file, expected_321, 3); }, {"member 3 requested", "holds 3"});
}

TEST(ModelFile, WritesOneMemberOfAPopulationPlain) {
  const ScratchDirectory scratch;
  const auto file = scratch / "best.safetensors";
  write_member_model_file(file, population_parameters(4), 1);
  const SafetensorsFile contents = read_safetensors_file(file);
  EXPECT_EQ(contents.metadata.at("nnlab_member"), "1");
  EXPECT_EQ(stored_shapes(file).at("layers.0.weight"), (Shape{2, 3}));
  const std::map<std::string, Tensor> loaded = read_model_file(file, expected_321);
  EXPECT_EQ(loaded.at("layers.0.weight")[4], 105.0f);
  EXPECT_EQ(loaded.at("layers.1.weight")[1], 122.0f);
  EXPECT_THROW(write_member_model_file(file, population_parameters(4), 4), std::invalid_argument);
}

TEST(ModelFile, AcceptsAnExplicitSingleMemberAxis) {
  const ScratchDirectory scratch;
  const auto file = scratch / "p1.safetensors";
  // A [1, ...] file, e.g. a population of one saved by another tool.
  write_safetensors(file, population_parameters(1));
  const std::map<std::string, Tensor> loaded = read_model_file(file, expected_321);
  EXPECT_EQ(loaded.at("layers.0.bias").shape(), (Shape{1, 2}));
  EXPECT_EQ(loaded.at("layers.0.bias")[1], 12.0f);
  EXPECT_EQ(read_model_file(file, expected_321, 0).at("layers.1.bias")[0], 31.0f);
}

TEST(ModelFile, ReadsAHandWrittenPyTorchStateDict) {
  // A 2-1 nn.Linear state_dict as PyTorch's safetensors writer would store it (F32, keys
  // sorted, data by offset, header padded): weight [[0.5, -2]], bias [0.25].
  std::string header =
      R"({"__metadata__":{"format":"pt"},"layers.0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("layers.0.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  testing::Bytes data;
  testing::append_hex(data, {0x00, 0x00, 0x80, 0x3e, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xc0});
  const ScratchDirectory scratch;
  const auto file = scratch / "torch.safetensors";
  testing::write_bytes(file, testing::safetensors_bytes(header, data));
  const std::vector<ExpectedTensor> expected{{"layers.0.weight", {1, 2}}, {"layers.0.bias", {1}}};
  const std::map<std::string, Tensor> loaded = read_model_file(file, expected);
  EXPECT_EQ(loaded.at("layers.0.weight").shape(), (Shape{1, 1, 2}));
  EXPECT_EQ(loaded.at("layers.0.weight")[0], 0.5f);
  EXPECT_EQ(loaded.at("layers.0.weight")[1], -2.0f);
  EXPECT_EQ(loaded.at("layers.0.bias")[0], 0.25f);
}

TEST(ModelFile, MissingTensorNamesItAndItsShape) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  std::vector<NamedTensor> parameters = population_parameters(1);
  parameters.pop_back();  // no layers.1.bias
  write_model_file(file, parameters);
  expect_input_error([&] { read_model_file(file, expected_321); },
                     {"model.safetensors: ", "missing tensor 'layers.1.bias'", "expects [1]"});
}

TEST(ModelFile, UnexpectedTensorNamesItAndItsShape) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  std::vector<NamedTensor> parameters = population_parameters(1);
  parameters.push_back({"layers.2.weight", Tensor({1, 4, 1})});
  write_model_file(file, parameters);
  expect_input_error([&] { read_model_file(file, expected_321); },
                     {"model.safetensors: ", "unexpected tensor 'layers.2.weight' [4, 1]"});
}

TEST(ModelFile, WrongShapeNamesTheTensorAndBothShapes) {
  const ScratchDirectory scratch;
  const auto file = scratch / "model.safetensors";
  write_model_file(file, population_parameters(1));
  std::vector<ExpectedTensor> wider = expected_321;
  wider[0].shape = {2, 4};  // the model now has 4 inputs
  expect_input_error([&] { read_model_file(file, wider); }, {"model.safetensors: ", "tensor 'layers.0.weight'",
                                                             "shape [2, 3]", "model's [2, 4]", "[P, 2, 4]"});
  // Transposed ([in, out] instead of PyTorch's [out, in]) is also caught.
  std::vector<ExpectedTensor> transposed = expected_321;
  transposed[2].shape = {2, 1};
  expect_input_error([&] { read_model_file(file, transposed); },
                     {"tensor 'layers.1.weight'", "shape [1, 2]", "model's [2, 1]"});
}

TEST(ModelFile, InconsistentPopulationAxesAreRejected) {
  const ScratchDirectory scratch;
  const auto file = scratch / "mixed.safetensors";
  std::vector<NamedTensor> parameters = population_parameters(3);
  parameters[1] = {"layers.0.bias", Tensor({2})};  // plain, while the rest hold 3 members
  write_safetensors(file, parameters);
  expect_input_error([&] { read_model_file(file, expected_321, 0); },
                     {"tensor 'layers.0.bias'", "holds 1 member(s)", "'layers.0.weight' holds 3"});
}

TEST(ModelFile, WriterRejectsInconsistentPopulations) {
  const ScratchDirectory scratch;
  std::vector<NamedTensor> parameters = population_parameters(2);
  parameters[3] = {"layers.1.bias", Tensor({3, 1})};
  EXPECT_THROW(write_model_file(scratch / "x.safetensors", parameters), std::invalid_argument);
  EXPECT_THROW(write_model_file(scratch / "x.safetensors", std::span<const NamedTensor>{}), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
