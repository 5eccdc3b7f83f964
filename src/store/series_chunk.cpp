#include "store/series_chunk.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "core/error.hpp"

namespace nnlab {
namespace {

// The blobs are the in-memory arrays copied byte for byte, which is the file's byte order only here.
static_assert(std::endian::native == std::endian::little, "the run store assumes a little-endian machine");

template <typename T>
std::vector<std::byte> to_bytes(std::span<const T> values) {
  std::vector<std::byte> bytes(values.size_bytes());
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

template <typename T>
void append_from_bytes(std::span<const std::byte> bytes, std::vector<T>& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + bytes.size() / sizeof(T));
  std::memcpy(out.data() + old_size, bytes.data(), bytes.size());
}

}  // namespace

SeriesChunk encode_chunk(std::span<const Epoch> epochs, std::span<const float> values) {
  if (epochs.empty() || epochs.size() != values.size())
    throw std::invalid_argument("encode_chunk: need as many epochs as values, at least one");
  SeriesChunk chunk{.first_epoch = epochs.front(), .count = static_cast<Index>(epochs.size())};
  // Epochs first, first + s, first + 2s, ... up to the last (which may break the step: the
  // final epoch is logged whatever log_every is).
  const auto steps_by = [&](Epoch stride, std::size_t until) {
    for (std::size_t i = 1; i < until; ++i)
      if (epochs[i] != epochs[i - 1] + stride) return false;
    return stride > 0;
  };
  const Epoch stride = epochs.size() > 1 ? epochs[1] - epochs[0] : 1;
  chunk.contiguous = epochs.size() == 1 || (stride == 1 && steps_by(1, epochs.size()));
  if (chunk.contiguous) {
    // no epochs stored
  } else if (stride > 1 && steps_by(stride, epochs.size())) {
    // One int64, the stride (a full list would be 8 * count >= 16 bytes).
    chunk.epochs_blob = to_bytes(std::span<const Epoch>(&stride, 1));
  } else if (epochs.size() >= 3 && stride >= 1 && steps_by(stride, epochs.size() - 1) && epochs.back() > epochs[epochs.size() - 2]) {
    // Two int64, the stride and the last epoch (a full list would be 8 * count >= 24 bytes).
    const Epoch stride_and_last[2] = {stride, epochs.back()};
    chunk.epochs_blob = to_bytes(std::span<const Epoch>(stride_and_last, 2));
  } else {
    chunk.epochs_blob = to_bytes(epochs);
  }
  chunk.values_blob = to_bytes(values);
  return chunk;
}

void decode_chunk(Epoch first_epoch, Index count, bool contiguous, std::span<const std::byte> epochs_blob,
                  std::span<const std::byte> values_blob, const std::string& where, MetricSeries& series) {
  if (count <= 0) throw InputError(where + ": chunk of " + std::to_string(count) + " points");
  const auto points = static_cast<std::size_t>(count);
  // Sizes compared by division: count * 4 could overflow for a count from a damaged row.
  const auto holds = [&](std::span<const std::byte> blob, std::size_t bytes_per_point) {
    return blob.size() % bytes_per_point == 0 && blob.size() / bytes_per_point == points;
  };
  const auto expected = [&](std::size_t bytes_per_point) {
    std::size_t bytes = 0;
    return __builtin_mul_overflow(points, bytes_per_point, &bytes) ? std::to_string(bytes_per_point) + " × " + std::to_string(count)
                                                                   : std::to_string(bytes);
  };
  if (!holds(values_blob, sizeof(float)))
    throw InputError(where + ": values blob has " + std::to_string(values_blob.size()) + " bytes, expected " + expected(sizeof(float)));
  // first_epoch + steps * stride, the last epoch a form makes, must be an int64 (a damaged row's need not be).
  const auto fits = [&](Index steps, Epoch stride) {
    Epoch offset = 0, last = 0;
    return !__builtin_mul_overflow(steps, stride, &offset) && !__builtin_add_overflow(first_epoch, offset, &last);
  };
  if (contiguous) {
    if (!fits(count - 1, 1)) throw InputError(where + ": " + std::to_string(count) + " epochs from " + std::to_string(first_epoch) + " overflow");
    const std::size_t old_size = series.epochs.size();
    series.epochs.resize(old_size + points);
    std::iota(series.epochs.begin() + static_cast<std::ptrdiff_t>(old_size), series.epochs.end(), first_epoch);
  } else if (count >= 2 && epochs_blob.size() == sizeof(Epoch)) {
    Epoch stride = 0;
    std::memcpy(&stride, epochs_blob.data(), sizeof(stride));
    if (stride < 2 || !fits(count - 1, stride)) throw InputError(where + ": epoch stride " + std::to_string(stride) + " does not fit");
    for (Index i = 0; i < count; ++i) series.epochs.push_back(first_epoch + i * stride);
  } else if (count >= 3 && epochs_blob.size() == 2 * sizeof(Epoch)) {
    Epoch stride_and_last[2] = {};
    std::memcpy(stride_and_last, epochs_blob.data(), sizeof(stride_and_last));
    const Epoch stride = stride_and_last[0], last = stride_and_last[1];
    if (stride < 1 || !fits(count - 2, stride) || last <= first_epoch + (count - 2) * stride)
      throw InputError(where + ": epoch stride " + std::to_string(stride) + " and last epoch " + std::to_string(last) + " do not fit");
    for (Index i = 0; i + 1 < count; ++i) series.epochs.push_back(first_epoch + i * stride);
    series.epochs.push_back(last);
  } else {
    if (!holds(epochs_blob, sizeof(Epoch)))
      throw InputError(where + ": epochs blob has " + std::to_string(epochs_blob.size()) + " bytes, expected " + expected(sizeof(Epoch)));
    append_from_bytes(epochs_blob, series.epochs);
  }
  append_from_bytes(values_blob, series.values);
}

MetricSeries merge_points(MetricSeries points) {
  const bool strictly_ascending =
      std::adjacent_find(points.epochs.begin(), points.epochs.end(), std::greater_equal<>()) == points.epochs.end();
  if (strictly_ascending) return points;
  const std::size_t count = points.epochs.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Stable: among equal epochs the input order (write order) survives, so the last one is the newest.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return points.epochs[a] < points.epochs[b]; });
  MetricSeries merged;
  merged.epochs.reserve(count);
  merged.values.reserve(count);
  for (const std::size_t i : order) {
    if (!merged.epochs.empty() && merged.epochs.back() == points.epochs[i]) {
      merged.values.back() = points.values[i];
    } else {
      merged.epochs.push_back(points.epochs[i]);
      merged.values.push_back(points.values[i]);
    }
  }
  return merged;
}

}  // namespace nnlab
