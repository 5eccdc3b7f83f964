// The four losses of loss.hpp and make_loss. Sums are accumulated in double, in a fixed
// order per member, so a member's loss never depends on P.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/loss.hpp"
#include "nn/loss_forms.hpp"

namespace nnlab {
namespace {

// One member's view of a batch: its outputs, targets, labels and class weights.
template <typename T>
struct MemberBatch {
  const T* output = nullptr;             // [B, C]
  const T* values = nullptr;             // [B, C] targets, or null (cross_entropy)
  const std::int32_t* labels = nullptr;  // [B], or null when no loss needs them
  const std::vector<double>* class_weights = nullptr;
  double label_smoothing = 0.0;  // cross_entropy's s
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
    member.label_smoothing = specs[static_cast<std::size_t>(m)].label_smoothing;
    member.batch = batch;
    member.classes = classes;
    loss[static_cast<std::size_t>(m)] = member_loss(member, grad != nullptr ? grad->slice(m) : nullptr);
  }
}

// The members' specs and their common kind and reduction (make_loss checked they agree).
template <typename T>
class LossBase : public Loss<T> {
 public:
  explicit LossBase(std::vector<LossSpec> specs)
      : specs_(std::move(specs)), kind_(specs_.front().kind), reduction_(reduction_of(specs_.front())) {}
  LossKind kind() const override { return kind_; }
  std::span<const LossSpec> members() const override { return specs_; }
  bool sums() const override { return reduction_ == LossReduction::sum; }

 protected:
  std::vector<LossSpec> specs_;
  LossKind kind_;
  LossReduction reduction_;
};

// sse, mse and bce: per-element terms and gradients from loss_forms.hpp, summed over examples b
// (outer) and outputs c (inner) in double, then reduced.
template <typename T>
class ElementLoss final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  bool takes_logits() const override { return false; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    visit_element_loss(this->kind_, this->reduction_, [&]<typename Elements>(Elements) {
      for_each_member(output, targets, this->specs_, true, loss, grad, [](const MemberBatch<T>& member, T* dy) {
        const double count = static_cast<double>(member.batch * member.classes);
        double sum = 0.0;
        for (Index b = 0; b < member.batch; ++b) {
          const double weight = member.weight(b);
          for (Index c = 0; c < member.classes; ++c) {
            const Index i = b * member.classes + c;
            const double y = member.output[i], t = member.values[i];
            sum = Elements::accumulate(sum, y, t, weight);
            if (dy) dy[i] = static_cast<T>(Elements::gradient(y, t, weight, count));
          }
        }
        return Elements::finish(sum, count);
      });
    });
  }
};

// Softmax cross-entropy on logits z with labels y_b, fused and stable:
//   l_b = log Σ_c e^{z_bc} − z_{b y_b} = (max_b + log Σ_c e^{z_bc − max_b}) − z_{b y_b}
//   loss = Σ_b w_{y_b} l_b / D;  ∂/∂z_bc = w_{y_b} (softmax_bc − [c = y_b]) / D
// with D = Σ_b w_{y_b} for the mean (PyTorch CrossEntropyLoss with weight=, reduction='mean';
// w = 1 gives the plain mean over B) and D = 1 for the sum (reduction='sum').
// Label smoothing or soft targets (LossSpec) take the general form with per-class coefficients
// a_bc (A_b = Σ_c a_bc):  l_b = Σ_c a_bc (lse_b − z_bc),  ∂/∂z_bc = (A_b softmax_bc − a_bc) / D,
//   labels:  a_bc = (1 − s) w_{y_b} [c = y_b] + (s / C) w_c,  D = Σ_b w_{y_b}   (PyTorch)
//   soft:    a_bc = w_c ((1 − s) t_bc + s / C),              D = B            (PyTorch)
template <typename T>
class CrossEntropy final : public LossBase<T> {
 public:
  using LossBase<T>::LossBase;
  bool takes_logits() const override { return true; }
  void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                TensorT<T>* grad) const override {
    const bool mean = this->reduction_ == LossReduction::mean;
    const LossSpec& first = this->specs_.front();
    const bool soft = first.soft_targets;
    const bool general = soft || std::any_of(this->specs_.begin(), this->specs_.end(),
                                             [](const LossSpec& s) { return s.label_smoothing != 0.0; });
    for_each_member(output, targets, this->specs_, soft, loss, grad, [&](const MemberBatch<T>& member, T* dz) {
      const Index classes = member.classes;
      const double smoothing = member.label_smoothing;
      double weight_sum = 1.0;  // D; dividing by 1 is exact
      if (mean) {
        weight_sum = 0.0;
        if (soft) {
          weight_sum = static_cast<double>(member.batch);
        } else {
          for (Index b = 0; b < member.batch; ++b) weight_sum += member.weight(b);
        }
      }
      const auto class_weight = [&](Index c) {
        return member.class_weights->empty() ? 1.0 : (*member.class_weights)[static_cast<std::size_t>(c)];
      };
      double sum = 0.0;
      for (Index b = 0; b < member.batch; ++b) {
        const T* z = member.output + b * classes;
        std::int32_t label = -1;
        if (!soft) {
          label = member.labels[b];
          if (label < 0 || label >= classes)
            throw std::invalid_argument("cross_entropy: label " + std::to_string(label) + " outside [0, " +
                                        std::to_string(classes) + ")");
        }
        const double max = *std::max_element(z, z + classes);
        double exp_sum = 0.0;
        for (Index c = 0; c < classes; ++c) exp_sum += std::exp(static_cast<double>(z[c]) - max);
        const double log_sum_exp = max + std::log(exp_sum);
        if (!general) {
          const double weight = member.weight(b);
          sum += weight * (log_sum_exp - static_cast<double>(z[label]));
          if (dz) {
            for (Index c = 0; c < classes; ++c) {
              const double softmax = std::exp(static_cast<double>(z[c]) - log_sum_exp);
              dz[b * classes + c] = static_cast<T>(weight * (softmax - (c == label ? 1.0 : 0.0)) / weight_sum);
            }
          }
          continue;
        }
        const double uniform = smoothing / static_cast<double>(classes);
        const auto coefficient = [&](Index c) {  // a_bc, recomputed rather than kept: no allocation per step
          if (soft) return class_weight(c) * ((1.0 - smoothing) * static_cast<double>(member.values[b * classes + c]) + uniform);
          return uniform * class_weight(c) + (c == label ? (1.0 - smoothing) * member.weight(b) : 0.0);
        };
        double total = 0.0;  // A_b
        for (Index c = 0; c < classes; ++c) {
          const double a = coefficient(c);
          total += a;
          sum += a * (log_sum_exp - static_cast<double>(z[c]));
        }
        if (dz) {
          for (Index c = 0; c < classes; ++c) {
            const double softmax = std::exp(static_cast<double>(z[c]) - log_sum_exp);
            dz[b * classes + c] = static_cast<T>((total * softmax - coefficient(c)) / weight_sum);
          }
        }
      }
      return sum / weight_sum;
    });
  }
};

const char* reduction_name(LossReduction reduction) { return reduction == LossReduction::sum ? "sum" : "mean"; }

}  // namespace

template <typename T>
std::unique_ptr<Loss<T>> make_loss(std::span<const LossSpec> members) {
  if (members.empty()) throw std::invalid_argument("make_loss: no members");
  const LossKind kind = members.front().kind;
  const LossReduction reduction = reduction_of(members.front());
  for (const LossSpec& spec : members) {
    if (spec.kind != kind) throw std::invalid_argument("make_loss: members disagree on the loss kind");
    if (reduction_of(spec) != reduction)
      throw std::invalid_argument(std::string("make_loss: members disagree on the loss reduction (") +
                                  reduction_name(reduction) + " and " + reduction_name(reduction_of(spec)) + ")");
    for (const double lambda : {spec.l1, spec.l2})
      if (!(lambda >= 0.0) || !std::isfinite(lambda))
        throw std::invalid_argument("make_loss: l1 and l2 must be finite and >= 0, got " + std::to_string(lambda));
    if (!(spec.label_smoothing >= 0.0 && spec.label_smoothing < 1.0))
      throw std::invalid_argument("make_loss: label_smoothing must be in [0, 1), got " +
                                  std::to_string(spec.label_smoothing));
    if ((spec.label_smoothing != 0.0 || spec.soft_targets) && kind != LossKind::cross_entropy)
      throw std::invalid_argument("make_loss: label smoothing and soft targets need cross_entropy");
    if (spec.soft_targets != members.front().soft_targets)
      throw std::invalid_argument("make_loss: members disagree on soft targets");
    for (const double weight : spec.class_weights)
      if (!(weight >= 0.0) || !std::isfinite(weight))
        throw std::invalid_argument("make_loss: class weights must be finite and >= 0, got " + std::to_string(weight));
  }
  std::vector<LossSpec> specs(members.begin(), members.end());
  switch (kind) {
    case LossKind::sse:
    case LossKind::mse:
    case LossKind::bce: return std::make_unique<ElementLoss<T>>(std::move(specs));
    case LossKind::cross_entropy: return std::make_unique<CrossEntropy<T>>(std::move(specs));
  }
  throw std::invalid_argument("make_loss: unknown loss kind");
}

template std::unique_ptr<Loss<float>> make_loss<float>(std::span<const LossSpec>);
template std::unique_ptr<Loss<double>> make_loss<double>(std::span<const LossSpec>);

}  // namespace nnlab
