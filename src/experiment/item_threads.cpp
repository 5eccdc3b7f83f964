#include "experiment/item_threads.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "store/metric_buffer.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

// One thread's RunWriter: series wait in its own buffer; a flush writes them and the store's
// flush (or checkpoint) under the lock, so one transaction holds one thread's records only.
class ThreadWriter final : public RunWriter {
 public:
  ThreadWriter(RunWriter& store, std::mutex& lock) : store_(store), lock_(lock) {}
  void append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs,
                     std::span<const float> values) override {
    pending_.add_series(run, member, metric, epochs, values);
  }
  void flush() override {
    const std::lock_guard guard(lock_);
    hand_over();
    store_.flush();
  }
  void flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override {
    const std::lock_guard guard(lock_);
    hand_over();
    store_.flush_with_artefact(run, label, content);
  }
  void keep_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override {
    const std::lock_guard guard(lock_);
    store_.keep_artefact(run, label, content);
  }
  std::optional<Artefact> read_artefact(RunId run, const ArtefactLabel& label) const override {
    const std::lock_guard guard(lock_);
    return store_.read_artefact(run, label);
  }
  std::string where() const override { return store_.where(); }

 private:
  // The buffered series into the store's own buffer (the caller holds the lock).
  void hand_over() {
    for (const PendingSeries* series : pending_.in_store_order())
      store_.append_series(series->run, series->member, series->metric, series->points.epochs, series->points.values);
    pending_.clear();
  }
  RunWriter& store_;
  std::mutex& lock_;
  MetricBuffer pending_;
};

}  // namespace

RunSummary train_items_on_threads(RunBook& book, const Plan& plan, const RunOptions& options, int threads) {
  const std::vector<WorkItem>& items = book.items();
  // Everything that touches the book happens here, before the threads and after them.
  std::vector<const ExperimentData*> data;
  try {
    for (const WorkItem& item : items) {
      book.start(item);
      data.push_back(&book.data(item));
    }
  } catch (...) {  // as run_plan's own loop: the run is marked failed, what was recorded kept
    book.fail();
    throw;
  }
  std::mutex store_lock;
  std::vector<std::optional<ItemOutcome>> outcomes(items.size());
  std::vector<std::exception_ptr> errors(items.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  const auto work = [&](int worker) {
    omp_set_num_threads(1);  // this thread's kernels: the other cores have items of their own
    std::optional<ThreadWriter> writer;
    if (options.store) writer.emplace(*options.store, store_lock);
    TrainObserver* const observer = worker == 0 ? options.observer : nullptr;
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= items.size() || failed.load()) return;
      try {
        outcomes[i] = train_item(plan, items[i], *data[i], book.context(items[i], writer ? &*writer : nullptr, observer));
      } catch (...) {
        errors[i] = std::current_exception();
        failed.store(true);
      }
    }
  };
  const int workers = std::clamp<int>(threads, 1, static_cast<int>(items.size()));
  std::vector<std::thread> pool;
  for (int worker = 1; worker < workers; ++worker) pool.emplace_back(work, worker);
  work(0);
  for (std::thread& thread : pool) thread.join();
  omp_set_num_threads(threads);
  for (const std::exception_ptr& error : errors)
    if (error) {
      book.fail();
      std::rethrow_exception(error);
    }
  try {
    for (std::optional<ItemOutcome>& outcome : outcomes) book.add(std::move(*outcome));
    RunSummary summary = book.finish();
    // The items' seconds overlapped: the run's training time is the wall time.
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
  } catch (...) {
    book.fail();
    throw;
  }
}

}  // namespace nnlab
