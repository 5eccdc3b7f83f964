#include "core/tensor.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace nnlab {
namespace {

TEST(Tensor, ShapeSizeSlicesAndAlignment) {
  Tensor t({3, 4, 5});
  EXPECT_EQ(t.size(), 60);
  EXPECT_EQ(t.rank(), 3);
  EXPECT_EQ(t.slice_size(), 20);
  EXPECT_EQ(t.slice(2), t.data() + 40);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % 64, 0u);
  for (const float value : t.span()) EXPECT_EQ(value, 0.0f);
}

TEST(Tensor, CopyIsDeepMoveIsCheap) {
  Tensor a({2, 2}, {1, 2, 3, 4});
  Tensor b = a;
  b[0] = 9;
  EXPECT_EQ(a[0], 1);
  const float* storage = a.data();
  Tensor c = std::move(a);
  EXPECT_EQ(c.data(), storage);
}

TEST(Tensor, ReshapeKeepsCountResizeReuses) {
  Tensor a({2, 6});
  a.reshape({3, 4});
  EXPECT_EQ(a.dim(0), 3);
  EXPECT_THROW(a.reshape({5, 5}), std::invalid_argument);
  const float* storage = a.data();
  a.resize({2, 2});
  EXPECT_EQ(a.data(), storage);
  EXPECT_EQ(a.size(), 4);
}

TEST(Tensor, BadShapesThrow) {
  EXPECT_THROW(Tensor({-1, 3}), std::invalid_argument);
  EXPECT_THROW(Tensor({1LL << 40, 1LL << 40}), std::length_error);
  EXPECT_EQ(to_string({2, 3}), "[2, 3]");
}

// A view reads the memory it is given in place and never frees it; a copy of it owns its own.
TEST(Tensor, ViewReadsInPlaceAndCopiesOwn) {
  std::vector<float> rows{1, 2, 3, 4, 5, 6, 7, 8};
  {
    const Tensor view = Tensor::view({1, 2, 3}, rows.data() + 2);  // from the third element on
    EXPECT_EQ(view.data(), rows.data() + 2);
    EXPECT_EQ(view.shape(), (Shape{1, 2, 3}));
    EXPECT_EQ(view.size(), 6);
    EXPECT_EQ(view[5], 8.0f);
    const Tensor copy = view;
    EXPECT_NE(copy.data(), view.data());
    EXPECT_TRUE(std::equal(copy.span().begin(), copy.span().end(), rows.begin() + 2));
  }
  EXPECT_EQ(rows[2], 3.0f);  // still ours after the view is gone (ASan/UBSan runs would catch a free)
  EXPECT_THROW(Tensor::view({-1, 2}, rows.data()), std::invalid_argument);
}

// resize keeps storage and shape memory when the new size fits; growing reallocates.
TEST(Tensor, ResizeReusesStorageWhenItFits) {
  Tensor t({4, 8});
  const float* before = t.data();
  t.resize({2, 3, 4});
  EXPECT_EQ(t.data(), before);
  EXPECT_EQ(t.shape(), (Shape{2, 3, 4}));
  const Shape shape{1, 32};
  t.resize(shape);
  EXPECT_EQ(t.data(), before);
  EXPECT_EQ(t.size(), 32);
  t.resize(t.shape());  // its own shape: a no-op, not a self-assignment
  EXPECT_EQ(t.shape(), (Shape{1, 32}));
  t.resize({5, 10});
  EXPECT_EQ(t.size(), 50);
  EXPECT_EQ(t.shape(), (Shape{5, 10}));
}

}  // namespace
}  // namespace nnlab

#include "core/text.hpp"

namespace nnlab {
namespace {
TEST(Text, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(238510), "238,510");
  EXPECT_EQ(with_thousands(8070), "8,070");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000000), "1,000,000");
  EXPECT_EQ(with_thousands(-1234), "-1,234");
  EXPECT_EQ(with_thousands(0), "0");
}
}  // namespace
}  // namespace nnlab
