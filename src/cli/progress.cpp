#include "cli/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace nnlab {
namespace {

double median_of(std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active, double EpochMetrics::*field) {
  std::vector<double> values;
  for (std::size_t m = 0; m < metrics.size(); ++m)
    if (active.empty() || active[m] || metrics.size() == 1) values.push_back(metrics[m].*field);
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::nan("");
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

std::string bar(double fraction) {
  constexpr int width = 24;
  const int filled = static_cast<int>(std::lround(fraction * width));
  std::string text;
  for (int i = 0; i < width; ++i) text += i < filled ? "━" : "─";
  return text;
}

}  // namespace

ProgressLine::ProgressLine(std::FILE* stream) : stream_(stream) {}

void ProgressLine::on_train_begin(Index members, std::int64_t epochs, Index batches_per_epoch) {
  members_ = members;
  epochs_ = epochs;
  batches_ = std::max<Index>(1, batches_per_epoch);
  start_ = epoch_start_ = last_draw_ = Clock::now();
}

void ProgressLine::on_batch_end(std::int64_t epoch, Index batch) {
  // Redraw at most 10 times a second: drawing must not cost training time.
  const auto now = Clock::now();
  if (batches_ < 2 || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double fraction = static_cast<double>(batch + 1) / static_cast<double>(batches_);
  fmt::print(stream_, "\r\033[KEpoch {}/{} {} {}/{}", epoch, epochs_, bar(fraction), batch + 1, batches_);
  std::fflush(stream_);
}

void ProgressLine::on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) {
  if (epoch == 0) {
    epoch_start_ = Clock::now();
    return;
  }
  const auto now = Clock::now();
  // Many short epochs (Rumelhart's 1,425 sweeps): draw a line at most 10 times a second.
  if (epoch != epochs_ && now - last_draw_ < std::chrono::milliseconds(100) && batches_ < 2) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const std::string who = members_ > 1 ? " (median)" : "";
  // Mini-batch: the epoch's batches are done (a full bar, Keras-style); full batch: how many epochs are.
  const std::string progress = batches_ > 1 ? fmt::format("{} {}/{}", bar(1.0), batches_, batches_)
                                            : bar(static_cast<double>(epoch) / static_cast<double>(epochs_));
  std::string line = fmt::format("\r\033[KEpoch {}/{} {} {:.1f}s - loss{}: {:.4f} - accuracy: {:.4f}", epoch, epochs_, progress, seconds, who,
                                 median_of(metrics, active, &EpochMetrics::train_loss),
                                 median_of(metrics, active, &EpochMetrics::train_accuracy));
  const double test_accuracy = median_of(metrics, active, &EpochMetrics::test_accuracy);
  if (std::isfinite(test_accuracy))
    line += fmt::format(" - test_loss: {:.4f} - test_accuracy: {:.4f}", median_of(metrics, active, &EpochMetrics::test_loss), test_accuracy);
  if (members_ > 1) {
    const auto running = std::count_if(active.begin(), active.end(), [](std::uint8_t a) { return a != 0; });
    line += fmt::format(" - active: {}/{}", running, members_);
  }
  // Mini-batch epochs take long enough to deserve their own line; full-batch sweeps overwrite.
  fmt::print(stream_, "{}{}", line, batches_ > 1 ? "\n" : "");
  std::fflush(stream_);
  drew_ = batches_ < 2;  // a full-batch line is still open
  epoch_start_ = now;
}

void ProgressLine::on_train_end() {
  if (drew_) fmt::print(stream_, "\n");
  std::fflush(stream_);
}

}  // namespace nnlab
