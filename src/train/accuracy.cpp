#include "train/accuracy.hpp"

#include <stdexcept>

namespace nnlab {

void count_correct(const Tensor& output, std::span<const std::int32_t> labels, std::span<std::int64_t> correct) {
  const Index population = output.dim(0), batch = output.dim(1), classes = output.dim(2);
  const bool shared_labels = static_cast<Index>(labels.size()) == batch;
  if (!shared_labels && static_cast<Index>(labels.size()) != population * batch)
    throw std::invalid_argument("count_correct: labels do not match the output");
  for (Index member = 0; member < population; ++member) {
    const float* rows = output.slice(member);
    const std::int32_t* member_labels = labels.data() + (shared_labels ? 0 : member * batch);
    std::int64_t hits = 0;
    if (classes == 1) {
      // Branch-free, so the loop vectorises: 1000 members x 64 patterns every epoch.
      for (Index b = 0; b < batch; ++b) hits += static_cast<std::int32_t>(rows[b] > 0.5f) == member_labels[b];
    } else {
      for (Index b = 0; b < batch; ++b) {
        const float* row = rows + b * classes;
        std::int32_t predicted = 0;
        for (Index c = 1; c < classes; ++c)
          if (row[c] > row[predicted]) predicted = static_cast<std::int32_t>(c);
        hits += predicted == member_labels[b];
      }
    }
    correct[static_cast<std::size_t>(member)] += hits;
  }
}

}  // namespace nnlab
