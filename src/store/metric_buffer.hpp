// Metric values waiting to be written: appended one epoch at a time, grouped per
// (run, member, metric) so that a flush writes each group as one row of the series table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"

namespace nnlab {

struct PendingSeries {
  RunId run = 0;
  Index member = 0;
  std::string_view metric;  // points into the buffer's interned names
  MetricSeries points;      // in the order appended
};

class MetricBuffer {
 public:
  void add(RunId run, Index member, std::string_view metric, Epoch epoch, float value);
  // Many epochs of one (run, member, metric) at once: one lookup for the whole run of values.
  void add_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs, std::span<const float> values);

  std::size_t points() const { return points_; }
  bool empty() const { return points_ == 0; }

  // The pending series ordered by (run, metric, member): the order of the series index,
  // which keeps a flush's inserts local in the B-tree.
  std::vector<const PendingSeries*> in_store_order() const;

  void clear();
  void discard_run(RunId run);

 private:
  struct Key {
    RunId run;
    std::int32_t metric;  // id from metric_ids_
    Index member;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  struct NameHash {
    using is_transparent = void;  // find() by string_view without building a string
    std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
  };

  std::int32_t metric_id(std::string_view metric);

  // Interned metric names. The map's nodes never move, so views of its keys stay valid.
  std::unordered_map<std::string, std::int32_t, NameHash, std::equal_to<>> metric_ids_;
  std::vector<std::string_view> metric_names_;  // by id, viewing metric_ids_'s keys
  std::unordered_map<Key, PendingSeries, KeyHash> series_;
  std::size_t points_ = 0;
};

}  // namespace nnlab
