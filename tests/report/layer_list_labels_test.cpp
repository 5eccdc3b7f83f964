#include "report/layer_list_labels.hpp"

#include <gtest/gtest.h>

namespace nnlab {
namespace {

TEST(LayerListLabels, NameLayersByWhatTellsThemApartAndFoldRepeats) {
  EXPECT_EQ(layer_list_label("[{units: 100, activation: sigmoid}, {units: 100, activation: sigmoid}, {units: 100, activation: sigmoid}, "
                             "{units: 10}]"),
            "3 × 100 sigmoid, 10");
  EXPECT_EQ(layer_list_label("[{units: 100, bias: false}, {type: batchnorm, activation: sigmoid}, {units: 100, bias: false}, "
                             "{type: batchnorm, activation: sigmoid}, {units: 10}]"),
            "2 × (100, batchnorm sigmoid), 10");
  EXPECT_EQ(layer_list_label("[{type: conv2d, filters: 32, kernel: [3, 3], activation: relu}, {type: maxpool2d, size: 2}, "
                             "{type: flatten}, {units: 10, init: {weight: {normal: 0.1}}}]"),
            "conv2d 32 relu, maxpool2d, flatten, 10");
  EXPECT_EQ(layer_list_label("[{units: 4}]"), "4");
  for (const char* not_a_list : {"0.1", "relu", "[1, 2]", "[{units: 1}", "", "[{units: 1}, 3]"})
    EXPECT_FALSE(layer_list_label(not_a_list).has_value()) << not_a_list;
}

TEST(LayerListLabels, ValuesStayAsWrittenWhenLabelsWouldMergeThem) {
  std::vector<std::string> distinct{"[{units: 8, activation: relu}, {units: 2}]", "[{units: 8}, {type: layernorm}, {units: 2}]"};
  shorten_layer_lists(distinct);
  EXPECT_EQ(distinct, (std::vector<std::string>{"8 relu, 2", "8, layernorm, 2"}));
  // Two lists differing only in a bias have the same label: both keep their text.
  std::vector<std::string> merged{"[{units: 8, bias: false}, {units: 2}]", "[{units: 8}, {units: 2}]"};
  const std::vector<std::string> before = merged;
  shorten_layer_lists(merged);
  EXPECT_EQ(merged, before);
  std::vector<std::string> mixed{"[{units: 8}]", "0.1"};  // not every value is a list
  shorten_layer_lists(mixed);
  EXPECT_EQ(mixed, (std::vector<std::string>{"[{units: 8}]", "0.1"}));
}

}  // namespace
}  // namespace nnlab
