// Small data sets built by the tests themselves, not by src/data, so that the trainer is
// checked against data it cannot share a bug with; and the classifier the tests train on them.
#pragma once

#include "core/rng.hpp"
#include "data/dataset.hpp"
#include "nn/spec.hpp"

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

// Three Gaussian blobs in 4 dimensions, labels 0, 1, 2 in turn; class k's mean is `offset`
// along axis k: a small classification problem for mini-batches.
inline Dataset blobs(Index per_class, std::uint64_t seed, double offset = 2.5) {
  Dataset data;
  data.inputs = Tensor({3 * per_class, 4});
  data.classes = 3;
  data.example_shape = {4};
  CounterRng rng(seed, RngPurpose::data);
  for (Index i = 0; i < 3 * per_class; ++i) {
    const auto label = static_cast<std::int32_t>(i % 3);
    for (Index f = 0; f < 4; ++f) data.inputs[i * 4 + f] = static_cast<float>(rng.normal() + (f == label ? offset : 0.0));
    data.labels.push_back(label);
  }
  return data;
}

// inputs -> `hidden` ReLU units -> `classes` logits (cross-entropy folds the softmax in).
inline ModelSpec relu_classifier(Index inputs, Index hidden, Index classes) {
  ModelSpec spec;
  spec.inputs = inputs;
  LayerSpec first;
  first.units = hidden;
  first.activation.kind = ActivationKind::relu;
  LayerSpec last;
  last.units = classes;
  spec.layers = {first, last};
  return spec;
}

}  // namespace nnlab::testing
