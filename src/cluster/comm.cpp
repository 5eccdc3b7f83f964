#include "cluster/comm.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace nnlab {

struct MpiSession::Pending {
  std::vector<std::byte> bytes;
  MPI_Request request = MPI_REQUEST_NULL;
};

namespace {

int count_of(std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("an MPI message of more than 2 GiB (a checkpoint that large is not supported)");
  return static_cast<int>(size);
}

}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) throw std::runtime_error("MPI_Init_thread failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  host_.assign(name, static_cast<std::size_t>(std::max(length, 0)));
}

MpiSession::~MpiSession() {
  if (aborted_) return;
  try {
    complete_sends();
  } catch (...) {
  }
  MPI_Finalize();
}

void MpiSession::send(int destination, Tag tag, std::span<const std::byte> bytes) const {
  MPI_Send(bytes.data(), count_of(bytes.size()), MPI_BYTE, destination, static_cast<int>(tag), MPI_COMM_WORLD);
}

void MpiSession::send_later(int destination, Tag tag, std::vector<std::byte> bytes) {
  reap();  // sends finished since the last call free their buffers
  auto* pending = new Pending{std::move(bytes)};
  MPI_Isend(pending->bytes.data(), count_of(pending->bytes.size()), MPI_BYTE, destination, static_cast<int>(tag), MPI_COMM_WORLD,
            &pending->request);
  pending_.push_back(pending);
}

void MpiSession::reap() {
  std::erase_if(pending_, [](Pending* pending) {
    int done = 0;
    MPI_Test(&pending->request, &done, MPI_STATUS_IGNORE);
    if (done) delete pending;
    return done != 0;
  });
}

void MpiSession::complete_sends() {
  Backoff backoff;
  while (!pending_.empty()) {
    reap();
    if (!pending_.empty()) backoff.pause();
  }
}

std::optional<Message> MpiSession::try_receive() const {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message message{.source = status.MPI_SOURCE, .tag = static_cast<Tag>(status.MPI_TAG), .bytes = std::vector<std::byte>(static_cast<std::size_t>(count))};
  MPI_Recv(message.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return message;
}

Message MpiSession::receive(int source, Tag tag) {
  Backoff backoff;
  for (;;) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(source, static_cast<int>(tag), MPI_COMM_WORLD, &flag, &status);
    if (flag) {
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      Message message{.source = source, .tag = tag, .bytes = std::vector<std::byte>(static_cast<std::size_t>(count))};
      MPI_Recv(message.bytes.data(), count, MPI_BYTE, source, static_cast<int>(tag), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return message;
    }
    // Sends of our own make progress while we wait (Open MPI progresses inside MPI calls).
    reap();
    backoff.pause();
  }
}

void MpiSession::abort(int code) {
  aborted_ = true;
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void Backoff::pause() {
  std::this_thread::sleep_for(wait_);
  wait_ = std::min(longest_, wait_ * 2);
}

}  // namespace nnlab
