// One member's layers from a stored weights artefact: the right member of a population file,
// nothing (never a read out of bounds) for a file whose population does not fit its tensors, and
// no figure for a weight-normalised layer.
#include "report/stored_weights.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "io/model_file.hpp"
#include "io/safetensors.hpp"

namespace nnlab {
namespace {

// layers.0.weight [P, 2, 3] = 0, 1, 2, ...; layers.0.bias [P, 2] = 100, 101, ...
std::vector<NamedTensor> population(Index members) {
  Tensor weight({members, 2, 3}), bias({members, 2});
  std::iota(weight.data(), weight.data() + weight.size(), 0.0f);
  std::iota(bias.data(), bias.data() + bias.size(), 100.0f);
  return {NamedTensor{layer_weight_name(0), weight}, NamedTensor{layer_bias_name(0), bias}};
}

TEST(StoredWeights, DecodesOneMemberOfAPopulation) {
  const std::vector<std::byte> bytes = model_file_bytes(population(3));
  const auto member = decode_layers(bytes, 1, "test");
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->population, 3);
  ASSERT_EQ(member->layers.size(), 1u);
  EXPECT_EQ(member->layers[0].weight.rows, 2u);
  EXPECT_EQ(member->layers[0].weight.columns, 3u);
  EXPECT_EQ(member->layers[0].weight.values, (std::vector<double>{6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(member->layers[0].bias, (std::vector<double>{102, 103}));
  EXPECT_EQ(member->parameters(), 8u);
  EXPECT_FALSE(decode_layers(bytes, 3, "test").has_value());
}

// A weight-normalised layer 1 (weight_g, weight_v, bias) is left out, not misread as a weight.
TEST(StoredWeights, AWeightNormalisedLayerIsLeftOut) {
  std::vector<NamedTensor> tensors = population(1);
  tensors.push_back(NamedTensor{"layers.1.weight_g", Tensor({1, 1, 1}, 2.0f)});
  tensors.push_back(NamedTensor{"layers.1.weight_v", Tensor({1, 1, 2}, 1.0f)});
  tensors.push_back(NamedTensor{layer_bias_name(1), Tensor({1, 1}, 0.5f)});
  const auto member = decode_layers(model_file_bytes(tensors), 0, "test");
  ASSERT_TRUE(member.has_value());
  ASSERT_EQ(member->layers.size(), 1u);
  EXPECT_EQ(member->layers[0].layer, 0);
}

// Found by the artefacts fuzz harness: metadata promising 3 members over tensors of 2 made
// member 2 a read past the end of the data.
TEST(StoredWeights, APopulationThatDoesNotFitItsTensorsIsNotDecoded) {
  const std::vector<NamedTensor> two = population(2);
  const auto with_population = [&](const std::string& population) {
    return safetensors_bytes(std::span<const NamedTensor>(two), SafetensorsMetadata{{"nnlab_population", population}});
  };
  EXPECT_TRUE(decode_layers(with_population("2"), 1, "test").has_value());
  EXPECT_FALSE(decode_layers(with_population("3"), 2, "test").has_value());
  EXPECT_FALSE(decode_layers(with_population("3"), 0, "test").has_value());
  for (const char* text : {"abc", "", "-2", "0", "2x", "99999999999999999999999"})
    EXPECT_FALSE(decode_layers(with_population(text), 0, "test").has_value()) << text;
}

// A conv2d's weight [P, filters, C, kh, kw] keeps its shape and reads as [filters, C·kh·kw].
TEST(StoredWeights, DecodesAConvolutionsFilters) {
  Tensor filters({2, 3, 2, 2, 2});
  std::iota(filters.data(), filters.data() + filters.size(), 0.0f);
  const std::vector<NamedTensor> tensors{NamedTensor{layer_weight_name(0), filters}};
  const auto member = decode_layers(model_file_bytes(tensors), 1, "test");
  ASSERT_TRUE(member.has_value());
  ASSERT_EQ(member->layers.size(), 1u);
  const LayerWeights& conv = member->layers[0];
  EXPECT_EQ(conv.shape, (std::vector<std::size_t>{3, 2, 2, 2}));
  EXPECT_EQ(conv.weight.rows, 3u);
  EXPECT_EQ(conv.weight.columns, 8u);
  EXPECT_EQ(conv.weight.values.front(), 24);  // member 1's block starts at 3·2·2·2
  EXPECT_EQ(conv.weight.values.back(), 47);
  // A dense layer's shape is its [out, in].
  const auto dense = decode_layers(model_file_bytes(population(2)), 0, "test");
  ASSERT_TRUE(dense.has_value());
  EXPECT_EQ(dense->layers[0].shape, (std::vector<std::size_t>{2, 3}));
}

}  // namespace
}  // namespace nnlab
