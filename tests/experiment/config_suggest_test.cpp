// Did-you-mean: edit distance and the choice of the closest candidate.
#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "experiment/suggest.hpp"

namespace nnlab {
namespace {

TEST(Suggest, EditDistanceByHand) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "ab"), 2u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("optimiser", "optimizer"), 1u);
  EXPECT_EQ(edit_distance("lrr", "lr"), 1u);
  EXPECT_EQ(edit_distance("rleu", "relu"), 2u);  // no transpositions: two substitutions
  EXPECT_EQ(edit_distance("Adam", "adam"), 0u);  // case is ignored
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

TEST(Suggest, ClosestMatch) {
  constexpr std::array<std::string_view, 5> keys{"lr", "momentum", "betas", "eps", "epochs"};
  EXPECT_EQ(closest_match("lrr", keys), "lr");
  EXPECT_EQ(closest_match("momentun", keys), "momentum");
  EXPECT_EQ(closest_match("beta", keys), "betas");
  EXPECT_EQ(closest_match("epoch", keys), "epochs");
  EXPECT_EQ(closest_match("mom", keys), "momentum");   // a prefix
  EXPECT_EQ(closest_match("epsilon", keys), "eps");    // the candidate is a prefix
  EXPECT_EQ(closest_match("xy", keys), std::nullopt);  // two edits of two letters is a different word
  EXPECT_EQ(closest_match("zzzzzz", keys), std::nullopt);
  EXPECT_EQ(closest_match("ep", keys), "eps");  // one edit
}

TEST(Suggest, TiesGoToTheEarlierCandidate) {
  constexpr std::array<std::string_view, 2> names{"mse", "sse"};
  EXPECT_EQ(closest_match("xse", names), "mse");
}

}  // namespace
}  // namespace nnlab
