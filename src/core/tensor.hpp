// The dense array every layer works on: row-major, 64-byte aligned, owning its storage
// (except a const view, TensorT::view, over memory that outlives it).
// By convention axis 0 is the population (member) axis, also when P = 1:
// a dense weight is [P, out, in], activations are [P, B, features].
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

using Index = std::int64_t;
using Shape = std::vector<Index>;

std::string to_string(const Shape& shape);  // "[2, 3, 4]"
Index element_count(std::span<const Index> shape);  // product of the dims; throws on negative or overflow

namespace detail {
struct AlignedFree {
  bool owner = true;  // false for a view: the memory belongs to someone else
  void operator()(void* pointer) const noexcept;
};
void* aligned_allocate(std::size_t bytes);  // 64-byte aligned; throws std::bad_alloc
}  // namespace detail

template <typename T>
class TensorT {
 public:
  static constexpr std::size_t alignment = 64;

  TensorT() = default;
  explicit TensorT(Shape shape) : shape_(std::move(shape)), size_(element_count(shape_)) {
    allocate();
    std::fill_n(data(), size_, T{0});
  }
  TensorT(Shape shape, T value) : shape_(std::move(shape)), size_(element_count(shape_)) {
    allocate();
    std::fill_n(data(), size_, value);
  }
  TensorT(Shape shape, std::initializer_list<T> values) : TensorT(std::move(shape)) {
    if (static_cast<Index>(values.size()) != size_) throw std::invalid_argument("TensorT: value count does not match shape");
    std::copy(values.begin(), values.end(), data());
  }

  TensorT(const TensorT& other) : shape_(other.shape_), size_(other.size_) {
    allocate();
    std::copy_n(other.data(), size_, data());
  }
  TensorT& operator=(const TensorT& other) {
    if (this != &other) {
      TensorT copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  TensorT(TensorT&&) noexcept = default;
  TensorT& operator=(TensorT&&) noexcept = default;

  // A read-only tensor over `data` (not copied, not freed, not necessarily aligned), e.g. rows
  // of a data set fed to a layer without gathering them. Copies of it own their storage.
  static const TensorT view(Shape shape, const T* data) {
    TensorT tensor;
    tensor.size_ = element_count(shape);
    tensor.shape_ = std::move(shape);
    tensor.storage_ = Storage(const_cast<T*>(data), detail::AlignedFree{.owner = false});
    return tensor;  // capacity 0: a resize (after a const_cast) would allocate, not write here
  }

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  Index dim(int axis) const { return shape_.at(static_cast<std::size_t>(axis)); }
  Index size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T* data() { return storage_.get(); }
  const T* data() const { return storage_.get(); }
  std::span<T> span() { return {data(), static_cast<std::size_t>(size_)}; }
  std::span<const T> span() const { return {data(), static_cast<std::size_t>(size_)}; }
  T& operator[](Index i) { return storage_.get()[i]; }
  const T& operator[](Index i) const { return storage_.get()[i]; }

  // Elements per slice of axis 0: one member's block in a [P, ...] tensor.
  Index slice_size() const { return shape_.empty() || shape_[0] == 0 ? 0 : size_ / shape_[0]; }
  T* slice(Index i) { return data() + i * slice_size(); }
  const T* slice(Index i) const { return data() + i * slice_size(); }

  void fill(T value) { std::fill_n(data(), size_, value); }
  void zero() { fill(T{0}); }

  // Reallocates only when the element count grows; contents are unspecified afterwards. Allocates
  // nothing (not even the shape) when the tensor was at least this large and of this rank before:
  // the training step resizes its buffers every batch.
  void resize(std::span<const Index> shape) {
    const Index new_size = element_count(shape);
    if (shape.data() != shape_.data()) shape_.assign(shape.begin(), shape.end());
    size_ = new_size;
    if (new_size > capacity_) allocate();
  }
  void resize(std::initializer_list<Index> shape) { resize(std::span<const Index>(shape.begin(), shape.size())); }
  // Same elements, new shape of equal element count.
  void reshape(Shape shape) {
    if (element_count(shape) != size_) throw std::invalid_argument("TensorT::reshape: " + to_string(shape_) + " -> " + to_string(shape));
    shape_ = std::move(shape);
  }

 private:
  using Storage = std::unique_ptr<T[], detail::AlignedFree>;

  void allocate() {
    capacity_ = size_;
    storage_ = Storage(size_ == 0 ? nullptr : static_cast<T*>(detail::aligned_allocate(static_cast<std::size_t>(size_) * sizeof(T))),
                       detail::AlignedFree{});
  }

  Shape shape_;
  Index size_ = 0;
  Index capacity_ = 0;
  Storage storage_;
};

using Tensor = TensorT<float>;
using TensorD = TensorT<double>;

}  // namespace nnlab
