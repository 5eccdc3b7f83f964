// A population's checkpoint as bytes: its weights, the optimiser's state and the trainer's
// state at an epoch boundary, enough to continue training bit-identically (`nnlab resume`).
//
// Layout: a safetensors file. Tensors "model.layers.{i}.weight|bias" [P, ...] and the model's
// buffers "model.layers.{i}.running_mean|running_var|num_batches_tracked" [P, ...] (batch norm),
// "optimizer.{parameter}.{buffer}" [P, ...] and, with early stopping's restore_best,
// "early_stopping.best.layers.{i}.weight|bias" [P, ...] (each member's best weights), with
// train.snapshot_ensemble "snapshot_ensemble.{k}.layers.{i}.*" [P, ...] (the k-th snapshot's
// parameters and buffers, format 5); metadata
// "nnlab_checkpoint" (the format version) and "state", a JSON object with the step counts, the
// trainer's per-member records, (format 4) early-stopping states, (format 5) each member's
// snapshot count and the step of each snapshot and (format 6) reduce_on_plateau states, its
// doubles kept as their
// 64-bit patterns so that NaN and every last bit survive.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "io/safetensors.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "train/trainer.hpp"

namespace nnlab {

// A checkpoint in memory: copies, so training may go on while it waits to be written.
struct CheckpointContents {
  std::vector<NamedTensor> weights;  // "layers.{i}.weight|bias", [P, ...], then the model's buffers
  OptimizerState optimizer;
  TrainerState trainer;
  std::vector<std::string> pruned;   // the weights trainer.prune_masks are of, in order (train/prune.hpp)
};

CheckpointContents snapshot(Sequential<float>& model, const Optimizer& optimizer, const TrainerState& state);
std::vector<std::byte> encode_checkpoint(const CheckpointContents& contents);
std::vector<std::byte> encode_checkpoint(Sequential<float>& model, const Optimizer& optimizer, const TrainerState& state);

// Puts the checkpoint's weights into `model` and its state into `optimizer` (both made from
// the same plan as the checkpoint) and returns the trainer's state. A checkpoint that does not
// fit them, or malformed bytes, is an InputError naming `source`.
TrainerState restore_checkpoint(std::span<const std::byte> bytes, const std::string& source, Sequential<float>& model,
                                Optimizer& optimizer);

}  // namespace nnlab
