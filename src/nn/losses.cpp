// The four losses of loss.hpp and make_loss. Sums are accumulated in double, in a fixed
// order per member, so a member's loss never depends on P.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/loss.hpp"

namespace nnlab {
namespace {

// One member's view of a batch: its outputs, targets, labels and class weights.
template <typename T>
struct MemberBatch {
  const T* output = nullptr;             // [B, C]
  const T* values = nullptr;             // [B, C] targets, or null (cross_entropy)
  const std::int32_t* labels = nullptr;  // [B], or null when no loss needs them
  const std::vector<double>* class_weights = nullptr;
  Index batch = 0, classes = 0;

  // An example's weight: the weight of its label's class, 1 without class weights.
  double weight(Index row) const {
    if (class_weights->empty()) return 1.0;
    const std::int32_t label = labels[row];
    if (label < 0 || static_cast<std::size_t>(label) >= class_weights->size())
      throw std::invalid_argument("loss: label " + std::to_string(label) + " has no class weight (" +
                                  std::to_string(class_weights->size()) + " given)");
    return (*class_weights)[static_cast<std::size_t>(label)];
  }
};

// Checks shapes, then calls member_loss(MemberBatch, grad or null) -> loss for each member.
template <typename T, typename MemberLoss>
void for_each_member(const TensorT<T>& output, const Targets<T>& targets, const std::vector<LossSpec>& specs,
                     bool needs_values, std::span<double> loss, TensorT<T>* grad, MemberLoss member_loss) {
  const Index population = static_cast<Index>(specs.size());
  if (output.rank() != 3 || output.dim(0) != population)
    throw std::invalid_argument("loss: output " + to_string(output.shape()) + " is not [" + std::to_string(population) +
                                ", B, C]");
  const Index batch = output.dim(1), classes = output.dim(2);
  if (static_cast<Index>(loss.size()) != population)
    throw std::invalid_argument("loss: " + std::to_string(loss.size()) + " loss slots for " +
                                std::to_string(population) + " members");
  bool shared_values = true;
  if (needs_values) {
    const TensorT<T>* values = targets.values;
    if (values == nullptr || values->rank() != 3 || (values->dim(0) != 1 && values->dim(0) != population) ||
        values->dim(1) != batch || values->dim(2) != classes)
      throw std::invalid_argument("loss: targets " + (values ? to_string(values->shape()) : std::string("(none)")) +
                                  " do not match output " + to_string(output.shape()));
    shared_values = values->dim(0) == 1;
  }
  const bool needs_labels = !needs_values || std::any_of(specs.begin(), specs.end(),
                                                         [](const LossSpec& s) { return !s.class_weights.empty(); });
  const auto label_count = static_cast<Index>(targets.labels.size());
  if (needs_labels && label_count != batch && label_count != population * batch)
    throw std::invalid_argument("loss: " + std::to_string(label_count) + " labels for " + std::to_string(population) +
                                " members x " + std::to_string(batch) + " examples");
  const bool shared_labels = label_count == batch;
  if (grad != nullptr) grad->resize(output.shape());
  for (Index m = 0; m < population; ++m) {
    MemberBatch<T> member;
    member.output = output.slice(m);
    member.values = needs_values ? targets.values->slice(shared_values ? 0 : m) : nullptr;
    member.labels = needs_labels ? targets.labels.data() + (shared_labels ? 0 : m * batch) : nullptr;
    member.class_weights = &specs[static_cast<std::size_t>(m)].class_weights;
    member.batch = batch;
    member.classes = classes;
    loss[static_cast<std::size_t>(m)] = member_loss(member, grad != nullptr ? grad->slice(m) : nullptr);
  }
}

template <typename T>
class LossBase : public Loss<T> {
 public:
  explicit LossBase(std::vector<LossSpec> specs) : specs_(std::move(specs)) {}

 protected:
  std::vector<LossSpec> specs_;
};

// ½ Σ_b w_b Σ_c (y − t)²;  ∂/∂y = w_b (y − t)
template <typename T>
class SumSquaredError final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  LossKind kind() const override { return LossKind::sse; }
  bool takes_logits() const override { return false; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    for_each_member(output, targets, this->specs_, true, loss, grad, [](const MemberBatch<T>& member, T* dy) {
      double sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) {
        const double weight = member.weight(b);
        for (Index c = 0; c < member.classes; ++c) {
          const Index i = b * member.classes + c;
          const double error = static_cast<double>(member.output[i]) - static_cast<double>(member.values[i]);
          sum += weight * error * error;
          if (dy) dy[i] = static_cast<T>(weight * error);
        }
      }
      return 0.5 * sum;
    });
  }
};

// (1 / (B C)) Σ_b w_b Σ_c (y − t)²;  ∂/∂y = 2 w_b (y − t) / (B C). Like PyTorch's weighted
// element losses, the mean divides by the plain element count B C, not by Σ w.
template <typename T>
class MeanSquaredError final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  LossKind kind() const override { return LossKind::mse; }
  bool takes_logits() const override { return false; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    for_each_member(output, targets, this->specs_, true, loss, grad, [](const MemberBatch<T>& member, T* dy) {
      const double count = static_cast<double>(member.batch * member.classes);
      double sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) {
        const double weight = member.weight(b);
        for (Index c = 0; c < member.classes; ++c) {
          const Index i = b * member.classes + c;
          const double error = static_cast<double>(member.output[i]) - static_cast<double>(member.values[i]);
          sum += weight * error * error;
          if (dy) dy[i] = static_cast<T>(2.0 * weight * error / count);
        }
      }
      return sum / count;
    });
  }
};

// −(1 / (B C)) Σ_b w_b Σ_c [t log y + (1 − t) log(1 − y)], each log clamped at −100 as PyTorch's
// BCELoss does, so y = 0 or 1 gives a finite loss. The mean divides by B C, not by Σ w.
// ∂/∂y = w_b (y − t) / max(y (1 − y), 1e-12) / (B C): PyTorch's gradient formula, finite at 0 and 1.
template <typename T>
class BinaryCrossEntropy final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  LossKind kind() const override { return LossKind::bce; }
  bool takes_logits() const override { return false; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    for_each_member(output, targets, this->specs_, true, loss, grad, [](const MemberBatch<T>& member, T* dy) {
      constexpr double log_floor = -100.0, epsilon = 1e-12;
      const double count = static_cast<double>(member.batch * member.classes);
      double sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) {
        const double weight = member.weight(b);
        for (Index c = 0; c < member.classes; ++c) {
          const Index i = b * member.classes + c;
          const double y = member.output[i], t = member.values[i];
          const double log_y = std::max(std::log(y), log_floor), log_not_y = std::max(std::log1p(-y), log_floor);
          sum -= weight * (t * log_y + (1.0 - t) * log_not_y);
          if (dy) dy[i] = static_cast<T>(weight * (y - t) / std::max(y * (1.0 - y), epsilon) / count);
        }
      }
      return sum / count;
    });
  }
};

// Softmax cross-entropy on logits z with labels y_b, fused and stable:
//   l_b = log Σ_c e^{z_bc} − z_{b y_b} = (max_b + log Σ_c e^{z_bc − max_b}) − z_{b y_b}
//   loss = Σ_b w_{y_b} l_b / Σ_b w_{y_b};  ∂/∂z_bc = w_{y_b} (softmax_bc − [c = y_b]) / Σ_b w_{y_b}
// (PyTorch CrossEntropyLoss with weight=, reduction='mean'; w = 1 gives the plain mean over B).
template <typename T>
class CrossEntropy final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  LossKind kind() const override { return LossKind::cross_entropy; }
  bool takes_logits() const override { return true; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    for_each_member(output, targets, this->specs_, false, loss, grad, [](const MemberBatch<T>& member, T* dz) {
      const Index classes = member.classes;
      double weight_sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) weight_sum += member.weight(b);
      double sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) {
        const T* z = member.output + b * classes;
        const std::int32_t label = member.labels[b];
        if (label < 0 || label >= classes)
          throw std::invalid_argument("cross_entropy: label " + std::to_string(label) + " outside [0, " +
                                      std::to_string(classes) + ")");
        const double max = *std::max_element(z, z + classes);
        double exp_sum = 0.0;
        for (Index c = 0; c < classes; ++c) exp_sum += std::exp(static_cast<double>(z[c]) - max);
        const double log_sum_exp = max + std::log(exp_sum);
        const double weight = member.weight(b);
        sum += weight * (log_sum_exp - static_cast<double>(z[label]));
        if (dz) {
          for (Index c = 0; c < classes; ++c) {
            const double softmax = std::exp(static_cast<double>(z[c]) - log_sum_exp);
            dz[b * classes + c] = static_cast<T>(weight * (softmax - (c == label ? 1.0 : 0.0)) / weight_sum);
          }
        }
      }
      return sum / weight_sum;
    });
  }
};

}  // namespace

template <typename T>
std::unique_ptr<Loss<T>> make_loss(std::span<const LossSpec> members) {
  if (members.empty()) throw std::invalid_argument("make_loss: no members");
  const LossKind kind = members.front().kind;
  for (const LossSpec& spec : members) {
    if (spec.kind != kind) throw std::invalid_argument("make_loss: members disagree on the loss kind");
    for (const double weight : spec.class_weights)
      if (!(weight >= 0.0) || !std::isfinite(weight))
        throw std::invalid_argument("make_loss: class weights must be finite and >= 0, got " + std::to_string(weight));
  }
  std::vector<LossSpec> specs(members.begin(), members.end());
  switch (kind) {
    case LossKind::sse: return std::make_unique<SumSquaredError<T>>(std::move(specs));
    case LossKind::mse: return std::make_unique<MeanSquaredError<T>>(std::move(specs));
    case LossKind::bce: return std::make_unique<BinaryCrossEntropy<T>>(std::move(specs));
    case LossKind::cross_entropy: return std::make_unique<CrossEntropy<T>>(std::move(specs));
  }
  throw std::invalid_argument("make_loss: unknown loss kind");
}

template std::unique_ptr<Loss<float>> make_loss<float>(std::span<const LossSpec>);
template std::unique_ptr<Loss<double>> make_loss<double>(std::span<const LossSpec>);

}  // namespace nnlab
