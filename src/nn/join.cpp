#include "nn/join.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/threads.hpp"

namespace nnlab {

template <typename T>
Join<T>::Join(Index population, std::vector<Index> widths) : population_(population), widths_(std::move(widths)) {
  if (widths_.empty()) throw std::invalid_argument("Join: no sources");
  for (const Index width : widths_) {
    if (width <= 0) throw std::invalid_argument(fmt::format("Join: a source of width {}", width));
    offsets_.push_back(width_);
    width_ += width;
  }
}

template <typename T>
const TensorT<T>& Join<T>::forward(std::span<const TensorT<T>* const> sources) {
  if (sources.size() != widths_.size())
    throw std::invalid_argument(fmt::format("Join: {} sources for {} widths", sources.size(), widths_.size()));
  const Index batch = sources.front()->rank() == 3 ? sources.front()->dim(1) : -1;
  Index members = 1;
  for (std::size_t k = 0; k < sources.size(); ++k) {
    const TensorT<T>& source = *sources[k];
    if (source.rank() != 3 || source.dim(1) != batch || source.dim(2) != widths_[k] ||
        (source.dim(0) != 1 && source.dim(0) != population_))
      throw std::invalid_argument(fmt::format("Join: source {} is {}, not [1 or {}, {}, {}]", k, to_string(source.shape()),
                                              population_, batch, widths_[k]));
    members = std::max(members, source.dim(0));
  }
  output_.resize({members, batch, width_});
  for_each_piece(members, batch, [&](Index m, Index begin, Index size) {
    for (std::size_t k = 0; k < sources.size(); ++k) {
      const TensorT<T>& source = *sources[k];
      const T* from = source.data() + ((source.dim(0) == 1 ? 0 : m) * batch + begin) * widths_[k];
      T* to = output_.data() + (m * batch + begin) * width_ + offsets_[k];
      for (Index b = 0; b < size; ++b) std::copy_n(from + b * widths_[k], widths_[k], to + b * width_);
    }
  });
  return output_;
}

template <typename T>
void Join<T>::backward(const TensorT<T>& grad, std::span<TensorT<T>* const> grads) const {
  if (grad.rank() != 3 || grad.dim(0) != population_ || grad.dim(2) != width_ || grads.size() != widths_.size())
    throw std::invalid_argument(fmt::format("Join: gradient {} is not [{}, B, {}]", to_string(grad.shape()), population_, width_));
  const Index batch = grad.dim(1);
  for (std::size_t k = 0; k < grads.size(); ++k)
    if (grads[k] != nullptr && grads[k]->shape() != Shape{population_, batch, widths_[k]})
      throw std::invalid_argument(fmt::format("Join: gradient {} of source {} is not [{}, {}, {}]",
                                              to_string(grads[k]->shape()), k, population_, batch, widths_[k]));
  for_each_piece(population_, batch, [&](Index m, Index begin, Index size) {
    for (std::size_t k = 0; k < grads.size(); ++k) {
      if (grads[k] == nullptr) continue;
      const T* from = grad.data() + (m * batch + begin) * width_ + offsets_[k];
      T* to = grads[k]->data() + (m * batch + begin) * widths_[k];
      for (Index b = 0; b < size; ++b)
        for (Index f = 0; f < widths_[k]; ++f) to[b * widths_[k] + f] += from[b * width_ + f];
    }
  });
}

template class Join<float>;
template class Join<double>;

}  // namespace nnlab
