# Sourced by the MPI test scripts after `set -euo pipefail`:  source common.sh NNLAB SCRATCH
# Sets nnlab (absolute), here (this folder), python, mpirun (the launcher with the flags every
# test runs it with), fail and skip; skips (exit 77) without mpirun; makes
# SCRATCH afresh and enters it; writes sweep.yaml, the tests' sweep: two populations of
# mirror-symmetry nets (sigmoid with lr 0.1 and 0.5 as one population of 8, tanh the same).
nnlab=$(realpath "$1")
scratch=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail() { echo "FAILED: $*"; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
command -v mpirun > /dev/null || skip "no mpirun (scripts/install-deps.sh installs Open MPI)"
mpirun=(mpirun --oversubscribe --allow-run-as-root --mca btl self,vader,tcp)
"$nnlab" --version > /dev/null
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
python=/usr/bin/python3
[[ -x $python ]] || python=python3
cat > sweep.yaml <<'YAML'
name: mpi-sweep
seed: 3
data:
  train: {source: mirror, bits: 6}
model:
  inputs: 6
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
loss: {type: mse}
optimizer: {type: sgd, lr: 0.3, momentum: 0.9}
train: {epochs: 120, batch: full}
replicates: 4
sweep:
  method: grid
  parameters:
    optimizer.lr: [0.1, 0.5]
    model.layers.0.activation: [sigmoid, tanh]
YAML
