#!/usr/bin/env bash
# Times nnlab, PyTorch (Debian's python3-torch) and, on the Fashion-MNIST rows, dlib (Debian's
# libdlib-dev) on the same workloads in one run and prints the ratios. Not a test: the machine is shared and noisy; read ratios, not seconds.
#   bench/run.sh            every row (a few minutes)
#   bench/run.sh --quick    one run of each side per row instead of the best of two
#
# Each side runs at 1 and at 2 threads and counts at its faster setting ("best"): PyTorch's
# 2-thread OpenMP setting is its slowest on some 2-core VMs, so comparing at a fixed thread
# count would flatter one side. "limit" is the row's flops over OpenBLAS's 2-thread sgemm
# peak measured in the same run (bench/sgemm_peak): the fastest the arithmetic could run.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=2
if [[ "${1:-}" == "--quick" ]]; then repeats=1; fi
scripts/install-deps.sh --bench > /dev/null
scripts/build.sh nnlab sgemm_peak > /dev/null
have_dlib=1
scripts/build.sh dlib_peer > /dev/null 2>&1 || have_dlib=0  # the target exists when CMake found dlib
build="${NNLAB_BUILD_DIR:-build}"
nnlab="$build/nnlab"
peer=(/usr/bin/python3 bench/torch_peer.py)
json_field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

# Seconds of training as each side reports it (data loading excluded on both), the best of $repeats.
best_of() {
  local best=""
  for _ in $(seq "$repeats"); do
    local s
    s="$("$@")"
    best="$(/usr/bin/python3 -c "print(min(float(x) for x in '$best $s'.split()))")"
  done
  echo "$best"
}
nnlab_once() { local threads="$1"; shift; "$nnlab" run "$@" --threads "$threads" --quiet --json --no-store | json_field seconds; }
peer_once() { "${peer[@]}" "$2" "$1" | json_field seconds; }

peak="$("$build/sgemm_peak")"
peak2="$(echo "$peak" | json_field gflops_2_threads)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
"$nnlab" --version | sed -n 2p
echo "OpenBLAS sgemm 2048^2: $(echo "$peak" | json_field gflops_1_thread) GFLOP/s on 1 thread, $peak2 on 2"
echo
printf "%-40s %8s %8s %8s %8s %9s %8s\n" "workload" "nnlab 1" "nnlab 2" "torch 1" "torch 2" "vs best" "of limit"
# row NAME GFLOP PEER_WORKLOAD NNLAB_ARGS...
declare -A nnlab_best  # peer workload -> nnlab's faster time, for the dlib lines
row() {
  local name="$1" gflop="$2" workload="$3"
  shift 3
  local n1 n2 t1 t2
  n1="$(best_of nnlab_once 1 "$@")"
  n2="$(best_of nnlab_once 2 "$@")"
  nnlab_best["$workload"]="$(/usr/bin/python3 -c "print(min($n1, $n2))")"
  t1="$(best_of peer_once 1 "$workload")"
  t2="$(best_of peer_once 2 "$workload")"
  /usr/bin/python3 - "$name" "$gflop" "$peak2" "$n1" "$n2" "$t1" "$t2" <<'PY'
import sys
name, gflop, peak, n1, n2, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
ours, theirs = min(n1, n2), min(t1, t2)
limit = gflop / peak
print(f"{name:40s} {n1:8.3f} {n2:8.3f} {t1:8.3f} {t2:8.3f} {theirs / ours:8.2f}x {100 * limit / ours:7.1f}%")
PY
}
fmnist=experiments/fashion-mnist-mlp-sgd.yaml
mirror=experiments/rumelhart1986-mirror.yaml
# Flops: 784-300-10, 60,000 examples: forward 2 MAC/weight, backward dW for both layers and dX for
# the second: 2 x 60,000 x (235,200 + 3,000) x 3 minus the first layer's dX = 57.5 GFLOP; plus what
# both sides measure before and after the epoch (train and test loss and accuracy, forward only):
# 2 x 2 x 70,000 x 238,200 = 66.7 GFLOP; 124.2 in all.
# Rumelhart 6-2-1 x 64 patterns x 1,425 sweeps: about 7.7 GFLOP per 1,000 replicates (plus 0.27 G exp).
row "fashion-mnist 784-300-10, epoch, batch 64" 124.2 fashion-batch64 $fmnist --set train.epochs=1 --set train.batch=64
row "fashion-mnist 784-300-10, epoch, b. 1000" 124.2 fashion-batch1000 $fmnist --set train.epochs=1 --set train.batch=1000
# Keras CNN (bench/keras-cnn.yaml): 11.99 M multiply-adds forward per example (conv 0.19 M, conv
# 10.62 M, dense 1.18 M); training about 3x forward (less conv1's input gradient) = 71.6 MFLOP x
# 10,000 = 716 GFLOP; the train (10,000) and test (2,000) sets measured before and after: 576; 1292 in all.
row "keras cnn, 10k images, epoch, b. 128" 1292 keras-cnn-batch128 bench/keras-cnn.yaml
row "rumelhart 6-2-1, 1 replicate (torch loop)" 0.0077 rumelhart-loop1 $mirror --set replicates=1
row "rumelhart x1000 (torch batched bmm)" 7.7 rumelhart-batched1000 $mirror --set replicates=1000
echo
echo "nnlab 1/2, torch 1/2: seconds of training at 1 and 2 threads, best of $repeats; vs best: PyTorch's"
echo "faster setting over nnlab's faster one (> 1: nnlab is faster); of limit: the row's flops at the sgemm peak."

# dlib, the C++ peer: its trainer runs on a thread of its own and its tensor code on a pool, so
# it gets 1 or 2 cores (taskset) rather than a thread count.
dlib_once() {
  local cores="$1" batch="$2" cpus=0
  if [[ "$cores" == 2 ]]; then cpus=0,1; fi
  OPENBLAS_NUM_THREADS="$cores" taskset -c "$cpus" "$build/dlib_peer" "$batch" | json_field seconds
}
echo
if (( have_dlib )); then
  for batch in 64 1000; do
    d1="$(best_of dlib_once 1 "$batch")"
    d2="$(best_of dlib_once 2 "$batch")"
    /usr/bin/python3 - "$batch" "$d1" "$d2" "${nnlab_best[fashion-batch$batch]}" <<'PY'
import sys
batch, d1, d2, ours = sys.argv[1], *map(float, sys.argv[2:])
print(f"dlib 19.24, fashion-mnist epoch, batch {batch}: {d1:.3f} s on 1 core, {d2:.3f} s on 2: {min(d1, d2) / ours:.2f}x nnlab's best")
PY
  done
else
  echo "dlib: not installed (scripts/install-deps.sh --bench installs libdlib-dev)"
fi

# A population of large members (the 10-learning-rate sweep, full batch): all ten against one
# member alone, per member-epoch (the goal: within 10 %), over 6 epochs. The first epoch of ten
# members also pays the kernel for zeroing 10x the fresh activation memory (peak RSS 3.2 GiB
# against 0.7 GiB for one member; clear_page in
# perf), which the bundled study's 100 epochs amortise; over 2 epochs that alone is +12 %.
sweep=experiments/fashion-mnist-lr-sweep.yaml
single="$(mktemp --suffix=.yaml)"
sed '/^sweep:/,$d' "$sweep" > "$single"  # the same experiment, one member (lr 0.1)
ten="$(best_of nnlab_once 2 $sweep --set train.epochs=6)"
one="$(best_of nnlab_once 2 "$single" --set train.epochs=6)"
rm -f "$single"
/usr/bin/python3 - "$ten" "$one" <<'PY'
import sys
ten, one = map(float, sys.argv[1:])
print(f"\nfashion-mnist LR sweep, full batch, 6 epochs, 2 threads: {ten / 60:.3f} s per member-epoch with 10 members, "
      f"{one / 6:.3f} s alone: {100 * (ten / 10 / one - 1):+.0f} %")
PY

# The run store's cost (recording may cost <= 20 % of training time): the 1,000-replicate run
# with and without recording, alternated three times, medians compared.
store_dir="$(mktemp -d)"
trap 'rm -rf "$store_dir"' EXIT
recorded_once() {
  rm -f "$store_dir"/runs.db*
  "$nnlab" run "$@" --threads 2 --quiet --json --store "$store_dir/runs.db" | json_field seconds
}
with=() without=()
for _ in 1 2 3; do
  without+=("$(nnlab_once 2 $mirror --set replicates=1000)")
  with+=("$(recorded_once $mirror --set replicates=1000)")
done
/usr/bin/python3 - "${without[*]}" "${with[*]}" <<'PY'
import statistics, sys
without = [float(x) for x in sys.argv[1].split()]
with_store = [float(x) for x in sys.argv[2].split()]
a, b = statistics.median(without), statistics.median(with_store)
print(f"recording rumelhart x1000 into the store: training {a:.3f} s without, {b:.3f} s with (median of 3 each): +{100 * (b - a) / a:.0f} %")
PY
