// How a piece of a metric series is laid out in one row of the `series` table: the values as
// little-endian float32, the epochs as little-endian int64 — or no epochs at all when they
// run first_epoch, first_epoch + 1, ... (the usual case, so a chunk costs 4 bytes a point), or
// one int64 stride s >= 2 when they run first_epoch, first_epoch + s, ... (log_every = s), or
// two int64 (s, last) when they run so but for a last epoch off the step (the final epoch);
// the last two forms from schema version 2 on. Blob sizes tell the forms apart: a full list
// has 8 * count bytes, and the short forms are used only where that is more.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace nnlab {

struct SeriesChunk {
  Epoch first_epoch = 0;
  Index count = 0;
  bool contiguous = true;              // epochs are first_epoch + i; epochs_blob is then empty
  std::vector<std::byte> epochs_blob;  // count int64, or (stride) or (stride, last); little-endian
  std::vector<std::byte> values_blob;  // count float32, little-endian
};

// `epochs` and `values` must have the same, non-zero length (std::invalid_argument otherwise).
SeriesChunk encode_chunk(std::span<const Epoch> epochs, std::span<const float> values);

// Appends a stored chunk's points to `series`. `epochs_blob` is ignored for a contiguous chunk.
// Blob sizes that disagree with `count` mean a damaged store: InputError naming `where`.
void decode_chunk(Epoch first_epoch, Index count, bool contiguous, std::span<const std::byte> epochs_blob,
                  std::span<const std::byte> values_blob, const std::string& where, MetricSeries& series);

// Sorts points by epoch. An epoch written more than once (a run resumed from a checkpoint older
// than its last flush) keeps the value written last, i.e. the one later in the input.
MetricSeries merge_points(MetricSeries points);

}  // namespace nnlab
