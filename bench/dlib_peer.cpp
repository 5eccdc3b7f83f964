// The dlib peer of bench/run.sh (Debian's libdlib-dev, a C++ DNN library): the Fashion-MNIST
// 784-300-10 ReLU epoch with SGD (lr 0.01, momentum 0.9), the same work as the nnlab and PyTorch
// rows: accuracy on the train and test sets before and after the epoch, forward only. dlib
// reports no loss from a forward pass, so it measures accuracy alone (the forward is the cost).
// Threads: dlib runs its trainer on a thread of its own and its tensor code on a pool, so
// bench/run.sh pins the process to 1 or 2 cores (taskset) instead of asking for a count.
//   dlib_peer BATCH   -> {"workload": "fashion-batchBATCH", "seconds": ..., "test_accuracy": ...}
// The data is read with nnlab's loader (not timed); nothing else of nnlab is used.
#include <dlib/dnn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <vector>

#include "data/named.hpp"

namespace {

using Net = dlib::loss_multiclass_log<dlib::fc<10, dlib::relu<dlib::fc<300, dlib::input<dlib::matrix<float>>>>>>;

struct Set {
  std::vector<dlib::matrix<float>> images;
  std::vector<unsigned long> labels;
};

Set load(const char* split) {
  const nnlab::Dataset data = nnlab::load_named_dataset("fashion-mnist", split, {}, 1.0 / 255.0);
  Set set;
  const nnlab::Index features = data.features();
  for (nnlab::Index i = 0; i < data.size(); ++i) {
    dlib::matrix<float> image(static_cast<long>(features), 1);
    for (nnlab::Index f = 0; f < features; ++f) image(static_cast<long>(f)) = data.inputs[i * features + f];
    set.images.push_back(std::move(image));
    set.labels.push_back(static_cast<unsigned long>(data.labels[static_cast<std::size_t>(i)]));
  }
  return set;
}

double accuracy(Net& net, const Set& set) {
  const std::vector<unsigned long> predicted = net(set.images, 2048);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == set.labels[i];
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t batch = argc > 1 ? static_cast<std::size_t>(std::atol(argv[1])) : 64;
  const Set train = load("train"), test = load("test");
  Net net;
  dlib::dnn_trainer<Net> trainer(net, dlib::sgd(0.0f, 0.9f));
  trainer.set_learning_rate(0.01);
  trainer.set_mini_batch_size(batch);
  trainer.be_quiet();
  std::vector<std::size_t> order(train.images.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937(0));
  std::vector<dlib::matrix<float>> images(batch);
  std::vector<unsigned long> labels(batch);

  const auto start = std::chrono::steady_clock::now();
  accuracy(net, train);  // epoch 0: the initial weights
  accuracy(net, test);
  for (std::size_t begin = 0; begin < order.size(); begin += batch) {
    const std::size_t count = std::min(batch, order.size() - begin);
    images.resize(count);
    labels.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      images[k] = train.images[order[begin + k]];
      labels[k] = train.labels[order[begin + k]];
    }
    trainer.train_one_step(images, labels);
  }
  trainer.get_net();  // waits for the trainer's thread to finish the epoch
  const double train_accuracy = accuracy(net, train), test_accuracy = accuracy(net, test);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"workload\": \"fashion-batch%zu\", \"seconds\": %.6f, \"train_accuracy\": %.4f, \"test_accuracy\": %.4f}\n", batch,
              seconds, train_accuracy, test_accuracy);
}
