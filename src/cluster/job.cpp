#include "cluster/job.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "cluster/job_progress.hpp"
#include "cluster/outcome_wire.hpp"
#include "cluster/remote_writer.hpp"
#include "core/error.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/run_book.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) {
  stop_requested.store(true);
  constexpr char message[] = "\nnnlab: rank 0: the MPI job is being stopped (a rank ended, or mpirun was interrupted)\n";
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
}

struct JobStopped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What every rank needs to train its items: the plan's source (a worker plans it again), the
// run, the cut, and rank 0's command line.
struct Setup {
  PlanSource source;
  RunId run = 0;
  bool resume = false, recorded = false, send_weights = false;
  std::string store;
  std::vector<WorkItem> items;
  std::vector<std::string> arguments;
};

std::vector<std::byte> encode_setup(const Setup& setup) {
  nlohmann::json items = nlohmann::json::array();
  for (const WorkItem& item : setup.items) items.push_back({item.population, item.begin, item.end, item.members, item.cost});
  const nlohmann::json document = {{"text", setup.source.text},  {"origin", setup.source.origin}, {"overrides", setup.source.overrides},
                                   {"force", setup.source.force}, {"run", setup.run},             {"resume", setup.resume},
                                   {"recorded", setup.recorded}, {"send_weights", setup.send_weights}, {"store", setup.store},
                                   {"items", items},             {"arguments", setup.arguments}};
  return text_bytes(document.dump());
}

Setup decode_setup(std::span<const std::byte> bytes) {
  const nlohmann::json document = nlohmann::json::parse(bytes_text(bytes));
  Setup setup;
  setup.source = PlanSource{.text = document.at("text"), .origin = document.at("origin"), .overrides = document.at("overrides"),
                            .force = document.at("force")};
  setup.run = document.at("run");
  setup.resume = document.at("resume");
  setup.recorded = document.at("recorded");
  setup.send_weights = document.at("send_weights");
  setup.store = document.at("store");
  for (const auto& item : document.at("items"))
    setup.items.push_back(WorkItem{.population = item[0], .begin = item[1], .end = item[2], .members = item[3], .cost = item[4]});
  setup.arguments = document.at("arguments").get<std::vector<std::string>>();
  return setup;
}

std::vector<std::byte> index_bytes(std::int64_t value) {
  ByteWriter out;
  out.i64(value);
  return std::move(out.bytes());
}

// Progress of one item on a worker: its epochs, sent to rank 0 at most twice a second.
class ProgressSender final : public TrainObserver {
 public:
  ProgressSender(MpiSession& session, std::size_t item) : session_(session), item_(item) {}
  void on_train_begin(Index, std::int64_t epochs, Index) override { epochs_ = std::max<std::int64_t>(epochs, 1); }
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics>, std::span<const std::uint8_t>) override {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    ByteWriter out;
    out.u64(item_);
    out.f64(static_cast<double>(epoch) / static_cast<double>(epochs_));
    session_.send_later(0, Tag::progress, std::move(out.bytes()));
  }

 private:
  MpiSession& session_;
  std::size_t item_;
  std::int64_t epochs_ = 1;
  std::chrono::steady_clock::time_point last_{};
};

// Rank 0: the dispatcher and the store's one writer.
class Coordinator {
 public:
  Coordinator(MpiSession& session, const Plan& plan, const JobOptions& options)
      : session_(session), plan_(plan), options_(options), book_(plan, options.run, session.size()),
        progress_(stderr, session.size(), book_.items(), options.show_progress) {
    order_.resize(book_.items().size());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return book_.items()[a].cost > book_.items()[b].cost; });
  }

  RunSummary run() {
    const auto start = std::chrono::steady_clock::now();
    try {
      Setup setup{.source = plan_.source, .run = book_.run(), .resume = options_.run.resume.has_value(), .recorded = book_.store() != nullptr,
                  .send_weights = !options_.run.save_model.empty(), .store = book_.store() ? book_.store()->file().string() : std::string(),
                  .items = book_.items(), .arguments = options_.arguments};
      setup.source.origin = plan_.source.origin.empty() ? std::string() : std::filesystem::absolute(plan_.source.origin).string();
      const std::vector<std::byte> bytes = encode_setup(setup);
      for (int rank = 1; rank < session_.size(); ++rank) session_.send(rank, Tag::setup, bytes);
      const int workers = session_.size() - 1;
      if (!options_.quiet && static_cast<std::size_t>(session_.size()) > book_.items().size())
        fmt::print(stderr, "nnlab: {} ranks for {} work item(s): {} rank(s) will idle\n", session_.size(), book_.items().size(),
                   static_cast<std::size_t>(session_.size()) - book_.items().size());
      Backoff backoff;
      while (done_ < book_.items().size() || released_ < workers) {
        if (service()) backoff.reset();
        if (next_ < order_.size()) {
          train_here(order_[next_++]);
          backoff.reset();
        } else {
          backoff.pause();
        }
      }
      progress_.finish();
      RunSummary summary;
      {
        const RecordingTime timing(recording_);
        summary = book_.finish();
      }
      summary.ranks = session_.size();
      // In one process the items' seconds add up to the wall time; here they overlap.
      summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      summary.recording_seconds = recording_.count();
      return summary;
    } catch (...) {
      progress_.finish();
      book_.fail();
      throw;
    }
  }

  // Handles every message that has arrived; true when there was one.
  bool service() {
    if (stop_requested.load()) throw JobStopped("the MPI job was stopped");
    bool any = false;
    while (std::optional<Message> message = session_.try_receive()) {
      any = true;
      handle(*message);
    }
    return any;
  }

 private:
  class Pump final : public TrainObserver {  // rank 0's own training answers the others between batches
   public:
    Pump(Coordinator& coordinator, std::size_t item) : coordinator_(coordinator), item_(item) {}
    void on_train_begin(Index, std::int64_t epochs, Index) override { epochs_ = std::max<std::int64_t>(epochs, 1); }
    void on_batch_end(std::int64_t, Index) override { poll(); }
    void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics>, std::span<const std::uint8_t>) override {
      coordinator_.progress_.item_epochs(item_, static_cast<double>(epoch) / static_cast<double>(epochs_));
      poll();
    }

   private:
    void poll() {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_ < std::chrono::milliseconds(2)) return;
      last_ = now;
      coordinator_.service();
    }
    Coordinator& coordinator_;
    std::size_t item_;
    std::int64_t epochs_ = 1;
    std::chrono::steady_clock::time_point last_{};
  };

  void train_here(std::size_t index) {
    const WorkItem& item = book_.items()[index];
    book_.start(item);
    Pump pump(*this, index);
    ItemOutcome outcome = train_item(plan_, item, book_.data(item), book_.context(item, book_.store(), &pump));
    book_.add(std::move(outcome));
    ++done_;
    progress_.item_done(index);
  }

  // Adds the time it lives to rank 0's recording of what the other ranks sent.
  class RecordingTime {
   public:
    explicit RecordingTime(std::chrono::duration<double>& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
    ~RecordingTime() { total_ += std::chrono::steady_clock::now() - start_; }
    RecordingTime(const RecordingTime&) = delete;
    RecordingTime& operator=(const RecordingTime&) = delete;

   private:
    std::chrono::duration<double>& total_;
    std::chrono::steady_clock::time_point start_;
  };

  void handle(const Message& message) {
    const std::string where = fmt::format("rank {}", message.source);
    const RecordingTime timing(recording_);
    switch (message.tag) {
      case Tag::ready: {
        if (next_ < order_.size()) {
          const std::size_t index = order_[next_++];
          book_.start(book_.items()[index]);
          session_.send(message.source, Tag::assign, index_bytes(static_cast<std::int64_t>(index)));
        } else {
          session_.send(message.source, Tag::assign, index_bytes(-1));
          ++released_;
        }
        break;
      }
      case Tag::write:
        if (book_.store()) apply_writes(*book_.store(), message.bytes);
        break;
      case Tag::read:
        if (!book_.store()) throw std::logic_error("a read without a store");
        answer_read(session_, *book_.store(), message.source, message.bytes);
        break;
      case Tag::progress: {
        ByteReader in(message.bytes);
        const std::uint64_t item = in.u64();
        progress_.item_epochs(item, in.f64());
        break;
      }
      case Tag::outcome: {
        ItemOutcome outcome = decode_outcome(message.bytes, where);
        const auto index = static_cast<std::size_t>(std::find_if(book_.items().begin(), book_.items().end(), [&](const WorkItem& item) {
                                                       return item.population == outcome.item.population && item.begin == outcome.item.begin;
                                                     }) - book_.items().begin());
        book_.add(std::move(outcome));
        ++done_;
        progress_.item_done(index);
        break;
      }
      case Tag::failure:
        throw InputError(bytes_text(message.bytes));
      default:
        throw std::logic_error(fmt::format("an unexpected MPI message (tag {}) from {}", static_cast<int>(message.tag), where));
    }
  }

  MpiSession& session_;
  const Plan& plan_;
  const JobOptions& options_;
  RunBook book_;
  JobProgress progress_;
  std::vector<std::size_t> order_;  // item indices, largest estimated cost first
  std::size_t next_ = 0;            // into order_
  std::size_t done_ = 0;
  int released_ = 0;                // workers told there is no more work
  std::chrono::duration<double> recording_{0.0};  // handling the other ranks' messages, and finishing the run
};

// A worker rank: asks for items until there are none, trains each, sends what it records.
void work(MpiSession& session, const JobOptions& options) {
  // When mpirun stops the job (Ctrl-C) it sends every rank SIGTERM, and SIGKILL a second later.
  // A worker has nothing to save, but dying at once can end rank 0 before it has marked the run
  // failed; so workers wait for rank 0's MPI_Abort (or the SIGKILL).
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  const Message setup_message = session.receive(0, Tag::setup);
  const Setup setup = decode_setup(setup_message.bytes);
  const auto fail = [&](const std::string& reason) {
    session.complete_sends();
    session.send(0, Tag::failure, text_bytes(fmt::format("rank {} ({}): {}", session.rank(), session.host(), reason)));
    // Rank 0 records the failure and ends the job; nothing here goes on.
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  };
  if (setup.arguments != options.arguments) {
    std::string mine, first;
    for (const auto& argument : options.arguments) mine += " " + argument;
    for (const auto& argument : setup.arguments) first += " " + argument;
    fail(fmt::format("its command line ({}) is not rank 0's ({}); every rank runs the same command, and only rank 0 opens the store",
                     mine.empty() ? std::string() : mine.substr(1), first.empty() ? std::string() : first.substr(1)));
  }
  try {
    Plan plan = plan_experiment_text(setup.source.text, setup.source.origin, setup.source.overrides, setup.source.force);
    plan.file = setup.source.origin;
    const std::vector<Index> firsts = first_members(plan);
    PlanData data;
    std::optional<RemoteWriter> writer;
    if (setup.recorded) writer.emplace(session, fmt::format("rank 0's store {}", setup.store));
    for (;;) {
      session.send(0, Tag::ready, {});
      const Message reply = session.receive(0, Tag::assign);
      const std::int64_t index = ByteReader(reply.bytes).i64();
      if (index < 0) break;
      const WorkItem& item = setup.items.at(static_cast<std::size_t>(index));
      ProgressSender progress(session, static_cast<std::size_t>(index));
      const ItemContext context{.writer = writer ? &*writer : nullptr, .run = setup.run, .first_member = firsts.at(static_cast<std::size_t>(item.population)),
                                .resume = setup.resume, .observer = &progress, .save_model = {}, .send_weights = setup.send_weights};
      const ItemOutcome outcome = train_item(plan, item, data.of(plan, plan.populations.at(static_cast<std::size_t>(item.population))), context);
      session.send_later(0, Tag::outcome, encode_outcome(outcome));
    }
    session.complete_sends();
  } catch (const std::exception& error) {
    fail(error.what());
  }
}

}  // namespace

void watch_for_job_stop() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}

std::optional<RunSummary> run_over_mpi(MpiSession& session, const Plan* plan, const JobOptions& options) {
  if (session.rank() != 0) {
    work(session, options);
    return std::nullopt;
  }
  if (!plan) throw std::invalid_argument("run_over_mpi: rank 0 needs the plan");
  Coordinator coordinator(session, *plan, options);
  return coordinator.run();
}

}  // namespace nnlab
