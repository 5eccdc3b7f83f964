// The few MPI calls nnlab makes, behind plain functions: the session (MPI_Init_thread, funneled:
// only the main thread talks; OpenMP threads never do), byte messages with a tag, and waits that
// poll and sleep rather than spin, so that an idle rank leaves its core to the ranks that train
// (Open MPI's blocking calls busy-wait).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

// What each message is about (docs/design.md, "Sweeps over MPI").
enum class Tag : int {
  setup = 1,       // 0 -> w: the plan's source, the run, the items, rank 0's command line
  ready = 2,       // w -> 0: give me an item
  assign = 3,      // 0 -> w: an item's index, or -1: no more work
  write = 4,       // w -> 0: metric series and artefacts for the store
  read = 5,        // w -> 0: an artefact of the run (a checkpoint to resume from)
  read_reply = 6,  // 0 -> w: it, or none
  outcome = 7,     // w -> 0: an item's results
  failure = 8,     // w -> 0: the rank cannot go on (one line naming rank, host and reason)
  progress = 9,    // w -> 0: an item's epochs done
};

struct Message {
  int source = 0;
  Tag tag = Tag::setup;
  std::vector<std::byte> bytes;
};

class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);  // MPI_Init_thread; throws std::runtime_error when MPI cannot start
  ~MpiSession();                        // MPI_Finalize (unless aborted)
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  std::string host() const { return host_; }

  // Blocking standard send (small messages return at once; large ones when the receiver takes them).
  void send(int destination, Tag tag, std::span<const std::byte> bytes) const;
  // A started send whose buffer the session keeps until it completes; complete_sends() waits for all.
  void send_later(int destination, Tag tag, std::vector<std::byte> bytes);
  void complete_sends();
  // The next message from anyone, if one has arrived.
  std::optional<Message> try_receive() const;
  // The next message with `tag` from `source`, polling (and sleeping) until it comes.
  Message receive(int source, Tag tag);
  // Ends every rank of the job now with `code` (a failure rank 0 has recorded).
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1;
  std::string host_;
  struct Pending;
  void reap();  // frees the buffers of completed sends
  std::vector<Pending*> pending_;
  bool aborted_ = false;
};

// Sleeps a little longer each time it is asked, up to `longest`: a poll loop's pause.
class Backoff {
 public:
  explicit Backoff(std::chrono::microseconds longest = std::chrono::microseconds(2000)) : longest_(longest) {}
  void pause();
  void reset() { wait_ = std::chrono::microseconds(20); }

 private:
  std::chrono::microseconds longest_;
  std::chrono::microseconds wait_{20};
};

}  // namespace nnlab
