#include "cluster/job_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace nnlab {
namespace {

std::string duration_text(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600) return fmt::format("{:.0f}m{:02.0f}s", std::floor(seconds / 60), std::fmod(seconds, 60));
  return fmt::format("{:.0f}h{:02.0f}m", std::floor(seconds / 3600), std::fmod(seconds / 60, 60));
}

}  // namespace

JobProgress::JobProgress(std::FILE* stream, int ranks, const std::vector<WorkItem>& items, bool enabled)
    : stream_(stream), ranks_(ranks), items_(items), done_(items.size(), 0.0), enabled_(enabled),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {
  std::set<Index> populations;
  for (const WorkItem& item : items_) {
    total_cost_ += std::max(item.cost, 1e-9);
    populations.insert(item.population);
    members_ += item.size();
  }
  populations_ = static_cast<Index>(populations.size());
}

void JobProgress::item_epochs(std::size_t item, double fraction_done) {
  if (item >= done_.size()) return;
  done_[item] = std::clamp(fraction_done, 0.0, 0.999);
  draw(false);
}

void JobProgress::item_done(std::size_t item) {
  if (item >= done_.size()) return;
  done_[item] = 1.0;
  draw(true);
}

void JobProgress::draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  double cost_done = 0.0;
  Index members_done = 0;
  std::map<Index, std::pair<Index, Index>> of_population;  // items done, items
  for (std::size_t i = 0; i < items_.size(); ++i) {
    cost_done += std::max(items_[i].cost, 1e-9) * done_[i];
    auto& [done, all] = of_population[items_[i].population];
    ++all;
    if (done_[i] >= 1.0) {
      ++done;
      members_done += items_[i].size();
    }
  }
  Index populations_done = 0;
  for (const auto& [population, counts] : of_population) populations_done += counts.first == counts.second;
  const double fraction = total_cost_ > 0 ? cost_done / total_cost_ : 0.0;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string eta = fraction > 0.01 ? duration_text(elapsed * (1.0 - fraction) / fraction) : std::string("?");
  fmt::print(stream_, "\r{} ranks · populations {}/{} · members {}/{} · {:3.0f}% · {} · ETA {}\x1b[K", ranks_, populations_done, populations_,
             members_done, members_, 100.0 * fraction, duration_text(elapsed), eta);
  std::fflush(stream_);
  drew_ = true;
}

void JobProgress::finish() {
  draw(true);
  if (drew_) fmt::print(stream_, "\n");
}

}  // namespace nnlab
