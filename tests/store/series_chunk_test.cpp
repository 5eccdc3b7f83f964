// The byte layout of series chunks, checked against bytes written out by hand.
#include "store/series_chunk.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"

namespace nnlab {
namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (const unsigned value : values) out.push_back(static_cast<std::byte>(value));
  return out;
}

TEST(SeriesChunk, ContiguousEpochsStoreOnlyLittleEndianFloats) {
  const std::vector<Epoch> epochs{7, 8, 9};
  const std::vector<float> values{1.0f, -2.0f, 0.5f};
  const SeriesChunk chunk = encode_chunk(epochs, values);
  EXPECT_EQ(chunk.first_epoch, 7);
  EXPECT_EQ(chunk.count, 3);
  EXPECT_TRUE(chunk.contiguous);
  EXPECT_TRUE(chunk.epochs_blob.empty());
  // IEEE 754 binary32: 1.0 = 0x3f800000, -2.0 = 0xc0000000, 0.5 = 0x3f000000; low byte first.
  EXPECT_EQ(chunk.values_blob, bytes({0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f}));
}

TEST(SeriesChunk, GapsStoreTheEpochsAsLittleEndianInt64) {
  const std::vector<Epoch> epochs{0, 5, 7, 0x0102030405};
  const std::vector<float> values{0.0f, 0.0f, 0.0f, 0.0f};
  const SeriesChunk chunk = encode_chunk(epochs, values);
  EXPECT_FALSE(chunk.contiguous);
  EXPECT_EQ(chunk.epochs_blob, bytes({0, 0, 0, 0, 0, 0, 0, 0,  //
                                      5, 0, 0, 0, 0, 0, 0, 0,  //
                                      7, 0, 0, 0, 0, 0, 0, 0,  //
                                      0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, 0}));
}

TEST(SeriesChunk, EveryKthEpochStoresOnlyTheStride) {
  const std::vector<Epoch> epochs{15, 30, 45, 60};
  const std::vector<float> values{1.0f, 2.0f, 3.0f, 4.0f};
  const SeriesChunk chunk = encode_chunk(epochs, values);
  EXPECT_FALSE(chunk.contiguous);
  EXPECT_EQ(chunk.first_epoch, 15);
  EXPECT_EQ(chunk.epochs_blob, bytes({15, 0, 0, 0, 0, 0, 0, 0}));
  MetricSeries series;
  decode_chunk(chunk.first_epoch, chunk.count, chunk.contiguous, chunk.epochs_blob, chunk.values_blob, "x", series);
  EXPECT_EQ(series, (MetricSeries{epochs, values}));
  // Two points a stride apart are a stride too; a broken progression keeps every epoch.
  EXPECT_EQ(encode_chunk(std::vector<Epoch>{0, 1425}, std::vector<float>{0, 0}).epochs_blob.size(), 8u);
  EXPECT_EQ(encode_chunk(std::vector<Epoch>{0, 15, 30, 31, 32}, std::vector<float>{0, 0, 0, 0, 0}).epochs_blob.size(), 40u);
  EXPECT_EQ(encode_chunk(std::vector<Epoch>{9, 3, -3}, std::vector<float>{0, 0, 0}).epochs_blob.size(), 24u);
  // A stride below 2 in a file is damage, not a series.
  EXPECT_THROW(decode_chunk(0, 3, false, bytes({1, 0, 0, 0, 0, 0, 0, 0}), bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), "x", series),
               InputError);
}

TEST(SeriesChunk, AStrideWithAFinalEpochOffTheStepStoresStrideAndLast) {
  // log_every 29 over 100 epochs: 0, 29, 58, 87 and the final 100.
  const std::vector<Epoch> epochs{0, 29, 58, 87, 100};
  const std::vector<float> values{5, 4, 3, 2, 1};
  const SeriesChunk chunk = encode_chunk(epochs, values);
  EXPECT_EQ(chunk.epochs_blob, bytes({29, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0}));
  MetricSeries series;
  decode_chunk(chunk.first_epoch, chunk.count, chunk.contiguous, chunk.epochs_blob, chunk.values_blob, "x", series);
  EXPECT_EQ(series, (MetricSeries{epochs, values}));
  // Contiguous epochs with a jump at the end: stride 1 and the last.
  const std::vector<Epoch> ones{3, 4, 5, 9};
  const SeriesChunk jump = encode_chunk(ones, std::vector<float>{0, 0, 0, 0});
  EXPECT_FALSE(jump.contiguous);
  EXPECT_EQ(jump.epochs_blob.size(), 16u);
  MetricSeries decoded;
  decode_chunk(jump.first_epoch, jump.count, jump.contiguous, jump.epochs_blob, jump.values_blob, "x", decoded);
  EXPECT_EQ(decoded.epochs, ones);
  // Two epochs keep the full list (16 bytes either way: the full list wins the tie).
  EXPECT_EQ(encode_chunk(std::vector<Epoch>{3, 9}, std::vector<float>{0, 0}).epochs_blob.size(), 8u);  // a stride of 6
  // A last epoch that does not come after the rest is damage.
  EXPECT_THROW(decode_chunk(0, 3, false, bytes({5, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}), bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), "x",
                            decoded),
               InputError);
}

TEST(SeriesChunk, DecodeAppendsToWhatIsThere) {
  MetricSeries series{{1}, {3.0f}};
  decode_chunk(10, 2, true, {}, bytes({0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0}), "test", series);
  decode_chunk(0, 1, false, bytes({20, 0, 0, 0, 0, 0, 0, 0}), bytes({0x00, 0x00, 0x00, 0x3f}), "test", series);
  EXPECT_EQ(series, (MetricSeries{{1, 10, 11, 20}, {3.0f, 1.0f, -2.0f, 0.5f}}));
}

TEST(SeriesChunk, DecodeRefusesBlobsOfTheWrongSize) {
  MetricSeries series;
  EXPECT_THROW(decode_chunk(0, 2, true, {}, bytes({0, 0, 0, 0}), "runs.db: series row 4", series), InputError);
  EXPECT_THROW(decode_chunk(0, 1, false, bytes({0, 0, 0, 0}), bytes({0, 0, 0, 0}), "x", series), InputError);
  EXPECT_THROW(decode_chunk(0, 0, true, {}, {}, "x", series), InputError);
  try {
    decode_chunk(0, 2, true, {}, bytes({0, 0, 0, 0}), "runs.db: series row 4", series);
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "runs.db: series row 4: values blob has 4 bytes, expected 8");
  }
  EXPECT_TRUE(series.epochs.empty());
}

// Found by the artefacts fuzz harness: a damaged row's count and stride made the epochs
// overflow int64 (undefined behaviour), and a count near 2^62 made count * 4 wrap to the blob size.
TEST(SeriesChunk, DecodeRefusesEpochsBeyondInt64) {
  MetricSeries series;
  const Epoch big = std::numeric_limits<Epoch>::max() / 4;
  EXPECT_THROW(decode_chunk(0, 5, false, bytes({0x03, 0x33, 0x33, 0x33, 0x33, 0x33, 0x00, 0x33}), std::vector<std::byte>(20), "x", series),
               InputError);  // stride 0x3300333333333303, five points
  EXPECT_THROW(decode_chunk(std::numeric_limits<Epoch>::max() - 1, 3, true, {}, std::vector<std::byte>(12), "x", series), InputError);
  EXPECT_THROW(decode_chunk(big, 8, false, bytes({0, 0, 0, 0, 0, 0, 0, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}),
                            std::vector<std::byte>(32), "x", series),
               InputError);  // stride 2^60 from about 2^61, last epoch 2^63 - 1: the seventh point passes 2^63
  const Index wraps = (Index{1} << 62) + 1;  // 4 * wraps = 4 (mod 2^64)
  EXPECT_THROW(decode_chunk(0, wraps, true, {}, bytes({0, 0, 0, 0}), "x", series), InputError);
  EXPECT_TRUE(series.epochs.empty());
}

TEST(SeriesChunk, EncodeNeedsMatchingNonEmptyArrays) {
  const std::vector<Epoch> two_epochs{0, 1};
  const std::vector<float> one_value{0.0f};
  EXPECT_THROW(encode_chunk(two_epochs, one_value), std::invalid_argument);
  EXPECT_THROW(encode_chunk({}, {}), std::invalid_argument);
}

TEST(SeriesChunk, MergeSortsByEpochAndTheLastWrittenValueWins) {
  EXPECT_EQ(merge_points(MetricSeries{{3, 1, 2, 1, 5, 3}, {30, 10, 20, 11, 50, 31}}),
            (MetricSeries{{1, 2, 3, 5}, {11, 20, 31, 50}}));
  EXPECT_EQ(merge_points(MetricSeries{{0, 1, 2}, {1, 2, 3}}), (MetricSeries{{0, 1, 2}, {1, 2, 3}}));
  EXPECT_EQ(merge_points(MetricSeries{}), MetricSeries{});
}

}  // namespace
}  // namespace nnlab
