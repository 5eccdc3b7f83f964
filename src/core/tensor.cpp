#include "core/tensor.hpp"

#include <cstdlib>
#include <limits>
#include <new>
#include <stdexcept>

namespace nnlab {

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

Index element_count(std::span<const Index> shape) {
  Index count = 1;
  for (const Index dim : shape) {
    if (dim < 0) throw std::invalid_argument("negative dimension in shape " + to_string(Shape(shape.begin(), shape.end())));
    if (dim != 0 && count > std::numeric_limits<Index>::max() / dim) throw std::length_error("shape too large: " + to_string(Shape(shape.begin(), shape.end())));
    count *= dim;
  }
  return count;
}

namespace detail {

void AlignedFree::operator()(void* pointer) const noexcept {
  if (owner) std::free(pointer);
}

void* aligned_allocate(std::size_t bytes) {
  constexpr std::size_t alignment = 64;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* pointer = std::aligned_alloc(alignment, rounded);
  if (pointer == nullptr) throw std::bad_alloc();
  return pointer;
}

}  // namespace detail
}  // namespace nnlab
