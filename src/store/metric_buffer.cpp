#include "store/metric_buffer.hpp"

#include <stdexcept>

#include <algorithm>
#include <tuple>

namespace nnlab {

std::size_t MetricBuffer::KeyHash::operator()(const Key& key) const noexcept {
  // Mixes the three fields with distinct odd multipliers; collisions only cost a compare.
  const auto mixed = static_cast<std::uint64_t>(key.run) * 0x9e3779b97f4a7c15ull ^
                     static_cast<std::uint64_t>(key.member) * 0xc2b2ae3d27d4eb4full ^
                     static_cast<std::uint64_t>(key.metric) * 0x165667b19e3779f9ull;
  return static_cast<std::size_t>(mixed ^ (mixed >> 29));
}

std::int32_t MetricBuffer::metric_id(std::string_view metric) {
  if (const auto found = metric_ids_.find(metric); found != metric_ids_.end()) return found->second;
  const auto id = static_cast<std::int32_t>(metric_names_.size());
  const auto inserted = metric_ids_.emplace(std::string(metric), id).first;
  metric_names_.push_back(inserted->first);
  return id;
}

void MetricBuffer::add(RunId run, Index member, std::string_view metric, Epoch epoch, float value) {
  const Key key{.run = run, .metric = metric_id(metric), .member = member};
  auto [entry, created] = series_.try_emplace(key);
  if (created) entry->second = PendingSeries{.run = run, .member = member, .metric = metric_names_[key.metric]};
  entry->second.points.epochs.push_back(epoch);
  entry->second.points.values.push_back(value);
  ++points_;
}

void MetricBuffer::add_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs, std::span<const float> values) {
  if (epochs.size() != values.size()) throw std::invalid_argument("MetricBuffer::add_series: epochs and values differ in length");
  if (epochs.empty()) return;
  const Key key{.run = run, .metric = metric_id(metric), .member = member};
  auto [entry, created] = series_.try_emplace(key);
  if (created) entry->second = PendingSeries{.run = run, .member = member, .metric = metric_names_[key.metric]};
  entry->second.points.epochs.insert(entry->second.points.epochs.end(), epochs.begin(), epochs.end());
  entry->second.points.values.insert(entry->second.points.values.end(), values.begin(), values.end());
  points_ += values.size();
}

std::vector<const PendingSeries*> MetricBuffer::in_store_order() const {
  std::vector<const PendingSeries*> ordered;
  ordered.reserve(series_.size());
  for (const auto& [key, pending] : series_) ordered.push_back(&pending);
  std::sort(ordered.begin(), ordered.end(), [](const PendingSeries* a, const PendingSeries* b) {
    return std::tie(a->run, a->metric, a->member) < std::tie(b->run, b->metric, b->member);
  });
  return ordered;
}

void MetricBuffer::clear() {
  series_.clear();
  points_ = 0;
}

void MetricBuffer::discard_run(RunId run) {
  std::erase_if(series_, [&](const auto& entry) {
    if (entry.first.run != run) return false;
    points_ -= entry.second.points.values.size();
    return true;
  });
}

}  // namespace nnlab
