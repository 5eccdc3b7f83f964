#include "train/accuracy.hpp"

#include "core/threads.hpp"

#include <limits>
#include <stdexcept>

namespace nnlab {
namespace {

std::int32_t predicted_class(const float* row, Index classes) {
  if (classes == 1) return row[0] > 0.5f ? 1 : 0;
  std::int32_t predicted = 0;
  for (Index c = 1; c < classes; ++c)
    if (row[c] > row[predicted]) predicted = static_cast<std::int32_t>(c);
  return predicted;
}

}  // namespace

void count_correct(const Tensor& output, std::span<const std::int32_t> labels, std::span<std::int64_t> correct) {
  const Index population = output.dim(0), batch = output.dim(1), classes = output.dim(2);
  const bool shared_labels = static_cast<Index>(labels.size()) == batch;
  if (!shared_labels && static_cast<Index>(labels.size()) != population * batch)
    throw std::invalid_argument("count_correct: labels do not match the output");
  // Members are independent: threads over them cannot change a count.
  parallel_for(population, population * batch * classes >= (Index{1} << 15), [&](Index member) {
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
  });
}

void count_correct_per_class(const Tensor& output, std::span<const std::int32_t> labels, Index classes,
                             std::span<std::int64_t> correct) {
  const Index population = output.dim(0), batch = output.dim(1), outputs = output.dim(2);
  const bool shared_labels = static_cast<Index>(labels.size()) == batch;
  if (!shared_labels && static_cast<Index>(labels.size()) != population * batch)
    throw std::invalid_argument("count_correct_per_class: labels do not match the output");
  if (static_cast<Index>(correct.size()) != population * classes)
    throw std::invalid_argument("count_correct_per_class: correct must hold members x classes counts");
  for (Index member = 0; member < population; ++member) {
    const float* rows = output.slice(member);
    const std::int32_t* member_labels = labels.data() + (shared_labels ? 0 : member * batch);
    std::int64_t* counts = correct.data() + member * classes;
    for (Index b = 0; b < batch; ++b) {
      const std::int32_t label = member_labels[b];
      if (label >= 0 && label < classes && predicted_class(rows + b * outputs, outputs) == label) ++counts[label];
    }
  }
}

void count_per_class(std::span<const std::int32_t> labels, Index classes, std::span<std::int64_t> counts) {
  if (classes <= 0 || counts.size() % static_cast<std::size_t>(classes) != 0 || counts.empty())
    throw std::invalid_argument("count_per_class: counts must hold slices x classes entries");
  const std::size_t slices = counts.size() / static_cast<std::size_t>(classes);
  if (labels.size() % slices != 0) throw std::invalid_argument("count_per_class: labels do not split into the slices");
  const std::size_t per_slice = labels.size() / slices;
  for (std::size_t q = 0; q < slices; ++q)
    for (std::size_t b = 0; b < per_slice; ++b) {
      const std::int32_t label = labels[q * per_slice + b];
      if (label >= 0 && label < classes) ++counts[q * static_cast<std::size_t>(classes) + static_cast<std::size_t>(label)];
    }
}

void class_accuracies(std::span<const std::int64_t> correct, std::span<const std::int64_t> totals, Index classes,
                      Index member, std::vector<double>& out) {
  const bool shared = static_cast<Index>(totals.size()) == classes;
  const std::int64_t* total = totals.data() + (shared ? 0 : member * classes);
  const std::int64_t* hits = correct.data() + member * classes;
  out.resize(static_cast<std::size_t>(classes));
  for (Index k = 0; k < classes; ++k)
    out[static_cast<std::size_t>(k)] = total[k] > 0 ? static_cast<double>(hits[k]) / static_cast<double>(total[k])
                                                    : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace nnlab
