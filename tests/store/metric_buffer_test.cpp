// Grouping of buffered metric values into one pending series per (run, member, metric).
#include "store/metric_buffer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nnlab {
namespace {

TEST(MetricBuffer, GroupsPointsPerRunMemberAndMetricInStoreOrder) {
  MetricBuffer buffer;
  for (Epoch epoch = 0; epoch < 3; ++epoch) {
    buffer.add(2, 1, "loss", epoch, 1.0f + static_cast<float>(epoch));
    buffer.add(2, 0, "loss", epoch, 2.0f);
    buffer.add(1, 5, "accuracy", epoch, 3.0f);
  }
  // The metric name may come from a temporary: the buffer keeps its own copy.
  buffer.add(2, 0, std::string("acc") + "uracy", 9, 4.0f);
  EXPECT_EQ(buffer.points(), 10u);

  const std::vector<const PendingSeries*> pending = buffer.in_store_order();
  ASSERT_EQ(pending.size(), 4u);
  const auto describe = [](const PendingSeries* series) {
    return std::to_string(series->run) + "/" + std::string(series->metric) + "/" + std::to_string(series->member);
  };
  EXPECT_EQ(describe(pending[0]), "1/accuracy/5");
  EXPECT_EQ(describe(pending[1]), "2/accuracy/0");
  EXPECT_EQ(describe(pending[2]), "2/loss/0");
  EXPECT_EQ(describe(pending[3]), "2/loss/1");
  EXPECT_EQ(pending[3]->points, (MetricSeries{{0, 1, 2}, {1.0f, 2.0f, 3.0f}}));
  EXPECT_EQ(pending[1]->points, (MetricSeries{{9}, {4.0f}}));
}

TEST(MetricBuffer, DiscardAndClear) {
  MetricBuffer buffer;
  buffer.add(1, 0, "loss", 0, 1.0f);
  buffer.add(2, 0, "loss", 0, 1.0f);
  buffer.add(2, 0, "loss", 1, 1.0f);
  buffer.discard_run(2);
  EXPECT_EQ(buffer.points(), 1u);
  ASSERT_EQ(buffer.in_store_order().size(), 1u);
  EXPECT_EQ(buffer.in_store_order()[0]->run, 1);
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_TRUE(buffer.in_store_order().empty());
  buffer.add(3, 0, "loss", 0, 5.0f);  // interned names survive a clear
  EXPECT_EQ(buffer.in_store_order()[0]->metric, "loss");
}

}  // namespace
}  // namespace nnlab
