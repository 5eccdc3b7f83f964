// The work items of one process trained concurrently, one per thread (RunBook::concurrent):
// populations of small networks, cut into ranges as an MPI job cuts them (experiment/work.hpp),
// so that each thread trains its members from the first epoch to the last without meeting the
// others — no OpenMP region per step, and the per-epoch bookkeeping (optimiser, hooks,
// metrics) threaded with the kernel. By population invariance every member's floats are those
// of the whole population trained on one thread.
//
// Each thread's records go to the store through a writer of its own that buffers them and
// writes a flush (with its checkpoint) in one transaction under a lock, so the store keeps its
// guarantee: never a checkpoint without the metrics recorded before it. Progress follows the
// items of the first thread. Outcomes join the book in item order once every thread is done.
#pragma once

#include "experiment/run_book.hpp"

namespace nnlab {

// Trains book.items() on `threads` threads (each running its kernels on one OpenMP thread) and
// finishes the book. An error in any item fails the run (what was recorded is kept) and is
// rethrown once the threads have stopped; the first item's error by item order wins.
RunSummary train_items_on_threads(RunBook& book, const Plan& plan, const RunOptions& options, int threads);

}  // namespace nnlab
