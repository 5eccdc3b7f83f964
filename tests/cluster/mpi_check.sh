#!/usr/bin/env bash
# An MPI run ends bit-identical to a single-process run (issue 13): a sweep of populations of
# different sizes, one of them cut over the ranks, under mpirun -np 1..4; and a 300-member
# population cut over 3 ranks. Summary (timings and ranks aside), every stored series value,
# every artefact but checkpoints (final weights, snapshots, pictures), member rows.
#   tests/cluster/mpi_check.sh NNLAB SCRATCH       exit 77 (skipped) without mpirun
set -euo pipefail
source "$(dirname "$0")/common.sh" "$1" "$2"
mpi=("${mpirun[@]}")

# sweep.yaml (common.sh): 8 sigmoid members (lr 0.1 and 0.5, cut when ranks > 1), 8 tanh.
"$nnlab" run sweep.yaml --quiet --json --store one.db > one.json
for ranks in 1 2 3 4; do
  "${mpi[@]}" -np "$ranks" "$nnlab" run sweep.yaml --quiet --json --store "np$ranks.db" > "np$ranks.json"
  "$python" "$here/compare_summaries.py" one.json "np$ranks.json"
  "$python" "$here/compare_stores.py" one.db "np$ranks.db"
done

# 300 members of one population, cut into 3 ranges of 100.
cat > big.yaml <<'YAML'
name: mpi-big
seed: 11
data:
  train: {source: mirror, bits: 6}
model:
  inputs: 6
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
loss: {type: mse}
optimizer: {type: sgd, lr: 0.5, momentum: 0.9}
train: {epochs: 150, batch: full}
replicates: 300
YAML
"$nnlab" run big.yaml --quiet --json --store big1.db > big1.json
"${mpi[@]}" -np 3 "$nnlab" run big.yaml --quiet --json --store big3.db > big3.json
"$python" "$here/compare_summaries.py" big1.json big3.json
"$python" "$here/compare_stores.py" big1.db big3.db
"$python" - big3.db <<'PY'
import sqlite3, sys, json
work = sqlite3.connect(sys.argv[1]).execute("select content from artefacts where kind = 'source' and name = 'work'").fetchone()
assert work is not None, "the 300-member population was not cut"
print("cut:", json.loads(bytes(work[0])))
PY
# The issue's own check (summary and report): the bundled Rumelhart grid (2,000 members, 1,425 epochs; one population
# cut in 3), where log_every resolves by the whole population's size.
grid=$(cd "$here/../.." && pwd)/experiments/rumelhart-lr-momentum-grid.yaml
"$nnlab" run "$grid" --quiet --json --store grid1.db --report report1 > grid1.json
"${mpi[@]}" -np 3 "$nnlab" run "$grid" --quiet --json --store grid3.db --threads 1 --report report3 > grid3.json
"$python" "$here/compare_summaries.py" grid1.json grid3.json
"$python" "$here/compare_reports.py" report1 report3
"$python" "$here/compare_stores.py" grid1.db grid3.db
# A rank SIGKILLed mid-run: the job ends non-zero, the store passes integrity_check, and
# `nnlab resume` (one process) ends bit-identical to the uninterrupted run.
"$nnlab" run big.yaml --set train.epochs=10000 --set train.checkpoint_every=500 --quiet --json --store long1.db > long1.json
"${mpi[@]}" -np 3 "$nnlab" run big.yaml --set train.epochs=10000 --set train.checkpoint_every=500 --quiet --json --store killed.db \
  --threads 1 > /dev/null 2> killed.err &
job=$!
for _ in $(seq 100); do
  sleep 0.1
  victim=$(pgrep -f "nnlab run big.yaml --set train.epochs=10000" | while read -r pid; do
    [[ $(tr '\0' '\n' < /proc/$pid/environ 2>/dev/null | grep -c '^OMPI_COMM_WORLD_RANK=2$') == 1 ]] && echo "$pid"; done | head -1)
  [[ -n $victim ]] && break
done
sleep 0.5
[[ -n ${victim:-} ]] && { kill -KILL "$victim" || true; }
status=0
wait "$job" || status=$?
if (( status == 0 )); then echo "the job with a killed rank exited 0"; exit 1; fi
echo "killed rank 2 (pid ${victim:-none}): the job exited $status"
[[ $("$python" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])" killed.db) == ok ]]
"$nnlab" resume latest --store killed.db --quiet --json > resumed.json
"$python" "$here/compare_summaries.py" long1.json resumed.json
"$python" "$here/compare_stores.py" long1.db killed.db
echo "mpi_check: all identical"
