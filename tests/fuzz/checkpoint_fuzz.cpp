// Checkpoint artefacts, as `nnlab resume` restores them: into a population of two 2-3-1 tanh
// members trained by Adam, then checked against what the plan trains, as resume does. A
// checkpoint restore accepts must encode again to bytes that restore to the same state.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "experiment/checkpoint.hpp"
#include "experiment/resume.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace nnlab;

ModelSpec net() {
  ModelSpec spec;
  spec.inputs = 2;
  LayerSpec hidden;
  hidden.units = 3;
  hidden.activation.kind = ActivationKind::tanh;
  LayerSpec output;
  output.units = 1;
  spec.layers = {hidden, output};
  return spec;
}

struct Population {
  Population()
      : model(std::vector<ModelSpec>(2, net()), std::vector<std::uint64_t>{1, 2}, true),
        optimizer(make_optimizer(std::vector<OptimizerOptions>(2, defaults_for(OptimizerKind::adam)))) {}
  Sequential<float> model;
  std::unique_ptr<Optimizer> optimizer;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Population population;
  nnlab::fuzz::accepts([&] {
    const TrainerState state = restore_checkpoint(nnlab::fuzz::as_bytes(data, size), "fuzz checkpoint", population.model, *population.optimizer);
    check_checkpoint_fits_plan(state, 2, 1000, "fuzz checkpoint");
    const std::vector<std::byte> again = encode_checkpoint(population.model, *population.optimizer, state);
    Population other;
    const TrainerState back = restore_checkpoint(again, "round trip", other.model, *other.optimizer);
    if (back.epochs_done != state.epochs_done || back.step != state.step || back.active != state.active ||
        back.results.size() != state.results.size())
      nnlab::fuzz::finding("a restored checkpoint changed when encoded and restored again", "");
  });
  return 0;
}
