#!/usr/bin/env bash
# Times nnlab and PyTorch (Debian's python3-torch) on the same workloads in one run and
# prints the ratios. Not a test: the machine is shared and noisy; read ratios, not seconds.
#   bench/run.sh [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2
if [[ "${1:-}" == "--threads" ]]; then threads="$2"; fi
scripts/install-deps.sh --bench > /dev/null
scripts/build.sh > /dev/null
nnlab="${NNLAB_BUILD_DIR:-build}/nnlab"
peer=(/usr/bin/python3 bench/torch_peer.py)

# nnlab's time: the training seconds it reports (data loading excluded, as for the peer).
nnlab_seconds() { "$nnlab" run "$@" --threads "$threads" --quiet --json --no-store | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; }
peer_seconds() { "${peer[@]}" "$1" "$threads" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; }

printf "%-44s %10s %10s %8s\n" "workload ($threads threads)" "nnlab s" "torch s" "speed-up"
row() {
  local name="$1" ours="$2" theirs="$3"
  printf "%-44s %10.3f %10.3f %7.2fx\n" "$name" "$ours" "$theirs" "$(/usr/bin/python3 -c "print($theirs / $ours)")"
}
fmnist=experiments/fashion-mnist-mlp-sgd.yaml
row "fashion-mnist 784-300-10, 1 epoch, batch 64" \
  "$(nnlab_seconds $fmnist --set train.epochs=1 --set train.batch=64)" "$(peer_seconds fashion-batch64)"
row "fashion-mnist 784-300-10, 1 epoch, batch 1000" \
  "$(nnlab_seconds $fmnist --set train.epochs=1 --set train.batch=1000)" "$(peer_seconds fashion-batch1000)"
mirror=experiments/rumelhart1986-mirror.yaml
row "rumelhart 6-2-1, 1425 sweeps, 1 replicate" \
  "$(nnlab_seconds $mirror --set replicates=1)" "$(peer_seconds rumelhart-loop1)"
row "rumelhart, 100 replicates vs torch loop" \
  "$(nnlab_seconds $mirror --set replicates=100)" "$(peer_seconds rumelhart-loop100)"
row "rumelhart, 1000 replicates vs torch bmm" \
  "$(nnlab_seconds $mirror --set replicates=1000)" "$(peer_seconds rumelhart-batched1000)"

# The run store's cost (issue: recording may cost <= 20 % of training time): the same
# 1,000-replicate run with and without recording, alternated five times, medians compared.
store_dir="$(mktemp -d)"
trap 'rm -rf "$store_dir"' EXIT
recorded_seconds() {
  rm -f "$store_dir"/runs.db*
  "$nnlab" run "$@" --threads "$threads" --quiet --json --store "$store_dir/runs.db" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'
}
with=() without=()
for _ in 1 2 3 4 5; do
  without+=("$(nnlab_seconds $mirror --set replicates=1000)")
  with+=("$(recorded_seconds $mirror --set replicates=1000)")
done
/usr/bin/python3 - "${without[*]}" "${with[*]}" <<'PY'
import statistics, sys
without = [float(x) for x in sys.argv[1].split()]
with_store = [float(x) for x in sys.argv[2].split()]
a, b = statistics.median(without), statistics.median(with_store)
print(f"\nrecording rumelhart x1000 into the store: training {a:.3f} s without, {b:.3f} s with "
      f"(median of 5 each): +{100 * (b - a) / a:.0f} %")
PY
