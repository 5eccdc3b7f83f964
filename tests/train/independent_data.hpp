// Small data sets built by the tests themselves, not by src/data, so that the trainer is
// checked against data it cannot share a bug with.
#pragma once

#include "data/dataset.hpp"

namespace nnlab::testing {

// All 64 six-bit patterns; label 1 when the pattern reads the same reversed.
inline Dataset mirror_patterns() {
  Dataset data;
  data.name = "mirror";
  data.inputs = Tensor({64, 6});
  data.classes = 2;
  data.example_shape = {6};
  for (int pattern = 0; pattern < 64; ++pattern) {
    bool symmetric = true;
    for (int bit = 0; bit < 6; ++bit) data.inputs[pattern * 6 + bit] = static_cast<float>((pattern >> (5 - bit)) & 1);
    for (int bit = 0; bit < 3; ++bit) symmetric &= data.inputs[pattern * 6 + bit] == data.inputs[pattern * 6 + 5 - bit];
    data.labels.push_back(symmetric ? 1 : 0);
  }
  return data;
}

}  // namespace nnlab::testing
