#!/usr/bin/env bash
# MPI jobs that cannot go as planned end with one clear line and the right exit code, never a
# hang (issue 13, "Bad input"), and Ctrl-C on mpirun stops every rank and leaves a store that
# resumes bit-identical:
#   - more ranks than work items: the extra ranks idle, noted once, and the job exits 0;
#   - --store (or any argument) on one rank only: the job fails naming both command lines,
#     and a worker never creates a store;
#   - a data file missing on one rank: the job fails naming that rank, its host and the path;
#   - another MPI's launcher (PMI_SIZE): refused before anything runs;
#   - SIGINT to mpirun: every rank ends, the store passes integrity_check, resume is bit-identical;
#   - at a terminal (script(1) makes one), rank 0 draws one progress line for the whole job.
#   tests/cluster/mpi_edges.sh NNLAB SCRATCH       exit 77 (skipped) without mpirun
set -euo pipefail
source "$(dirname "$0")/common.sh" "$1" "$2"
mpi=(timeout -s KILL 120 "${mpirun[@]}")
expect_in() {  # expect_in FILE TEXT: FILE holds TEXT
  grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 does not say: $2"; }
}

cat > one.yaml <<'YAML'
name: one-item
seed: 1
data: {train: xor}
model: {layers: [{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]}
loss: mse
optimizer: {type: sgd, lr: 0.5, momentum: 0.9}
train: {epochs: 200, batch: full}
YAML

# More ranks than work items: one population of one member, 3 ranks.
"$nnlab" run one.yaml --quiet --json --store single.db > single.json
"${mpi[@]}" -np 3 "$nnlab" run one.yaml --json --store idle.db > idle.json 2> idle.err || fail "3 ranks for 1 item did not exit 0"
expect_in idle.err "3 ranks for 1 work item(s): 2 rank(s) will idle"
[[ $(grep -c "will idle" idle.err) == 1 ]] || fail "the idle ranks were noted more than once"
"$python" "$here/compare_summaries.py" single.json idle.json
echo "ok: extra ranks idle and exit 0"

# --store on one rank only (MPMD: each side of ':' is a different command line).
for side in first second; do
  if [[ $side == first ]]; then
    status=0; "${mpi[@]}" -np 1 "$nnlab" run one.yaml --store mine.db : -np 1 "$nnlab" run one.yaml 2> argv.err > /dev/null || status=$?
  else
    status=0; "${mpi[@]}" -np 1 "$nnlab" run one.yaml : -np 1 "$nnlab" run one.yaml --store theirs.db 2> argv.err > /dev/null || status=$?
  fi
  (( status != 0 && status != 137 )) || fail "a command line that differs between ranks: exit $status"
  expect_in argv.err "is not rank 0's"
  expect_in argv.err "only rank 0 opens the store"
  [[ ! -e theirs.db ]] || fail "rank 1 created the store it was given"
done
echo "ok: --store on one rank: exit $status, $(grep -m1 -o 'rank 1 ([^)]*)' argv.err)"

# A data file missing on one rank: rank 1 looks for MNIST in an empty folder.
mkdir -p digits empty
"$python" - digits <<'PY'
import struct, sys, random
random.seed(4)
n, rows, cols = 120, 6, 6
with open(f"{sys.argv[1]}/train-images-idx3-ubyte", "wb") as f:
    f.write(struct.pack(">IIII", 2051, n, rows, cols) + bytes(random.randrange(256) for _ in range(n * rows * cols)))
with open(f"{sys.argv[1]}/train-labels-idx1-ubyte", "wb") as f:
    f.write(struct.pack(">II", 2049, n) + bytes(random.randrange(10) for _ in range(n)))
PY
cat > digits.yaml <<'YAML'
name: digits
seed: 2
data: {train: {source: mnist, split: train}}
model: {layers: [{units: 8, activation: relu}, {units: 10}]}
loss: cross_entropy
optimizer: {type: sgd, lr: 0.05}
train: {epochs: 300, batch: 10}
sweep:
  method: grid
  parameters:
    model.layers.0.units: [4, 8, 16, 32]
YAML
status=0
"${mpi[@]}" -np 1 -x NNLAB_DATA_DIR="$PWD/digits" "$nnlab" run digits.yaml --quiet --store digits.db : \
  -np 1 -x NNLAB_DATA_DIR="$PWD/empty" "$nnlab" run digits.yaml --quiet --store digits.db 2> missing.err > /dev/null || status=$?
(( status != 0 && status != 137 )) || fail "a data file missing on rank 1: exit $status"
expect_in missing.err "rank 1 ($(hostname)"
expect_in missing.err "not found in $PWD/empty"
expect_in missing.err "is marked failed"
[[ $("$python" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select status from runs').fetchone()[0])" digits.db) == failed ]] ||
  fail "the run is not marked failed"
echo "ok: data missing on rank 1: exit $status, $(grep -m1 -o 'rank 1 ([^)]*)' missing.err)"

# Another MPI's launcher: MPICH's hydra sets PMI_SIZE and PMI_RANK.
status=0
PMI_SIZE=2 PMI_RANK=0 timeout -s KILL 30 "$nnlab" run one.yaml --no-store 2> foreign.err > /dev/null || status=$?
(( status == 2 )) || fail "another MPI's launcher: exit $status, not 2"
expect_in foreign.err "another MPI's launcher with 2 ranks (PMI_SIZE)"
[[ $(wc -l < foreign.err) == 1 ]] || fail "another MPI's launcher: more than one line"
echo "ok: another MPI's launcher refused in one line"

# Ctrl-C on mpirun: SIGINT to mpirun, as a terminal sends it, while both ranks train.
cat > long.yaml <<'YAML'
name: long
seed: 6
data: {train: {source: mirror, bits: 6}}
model: {inputs: 6, layers: [{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]}
loss: mse
optimizer: {type: sgd, lr: 0.3, momentum: 0.9}
train: {epochs: 100000, batch: full, checkpoint_every: 5000}
replicates: 200
YAML
"$nnlab" run long.yaml --quiet --json --store long1.db > long1.json
set -m  # job control: the background job keeps SIGINT (a non-interactive shell would ignore it)
"${mpirun[@]}" -np 2 "$nnlab" run long.yaml --quiet --store stopped.db --threads 1 \
  > /dev/null 2> stopped.err &
job=$!
set +m
for _ in $(seq 100); do
  sleep 0.1
  [[ -s stopped.db ]] && [[ $(pgrep -f "nnlab run long.yaml --quiet --store stopped.db" | wc -l) -ge 2 ]] && break
done
sleep 1
kill -INT "$job"
status=0
for _ in $(seq 300); do kill -0 "$job" 2> /dev/null || break; sleep 0.1; done
kill -0 "$job" 2> /dev/null && { kill -KILL -- "-$job"; fail "mpirun still running 30 s after SIGINT"; }
wait "$job" || status=$?
(( status != 0 )) || fail "an interrupted job exited 0"
sleep 0.5
if pgrep -f "nnlab run long.yaml --quiet --store stopped.db" > /dev/null; then fail "ranks still running after mpirun ended"; fi
[[ $("$python" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])" stopped.db) == ok ]] ||
  fail "the interrupted store fails integrity_check"
[[ $("$python" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select status from runs').fetchone()[0])" stopped.db) == failed ]] ||
  fail "the interrupted run is not marked failed"
"$nnlab" resume latest --store stopped.db --quiet --json > resumed.json
"$python" "$here/compare_summaries.py" long1.json resumed.json
"$python" "$here/compare_stores.py" long1.db stopped.db
echo "ok: Ctrl-C: mpirun exited $status, no rank left, the store resumes bit-identical ($(tr '\n' ' ' < stopped.err | cut -c1-160))"

# One progress line for the job, drawn by rank 0 at a terminal (mpirun's stdout a pty).
if command -v script > /dev/null; then
  timeout -s KILL 120 script -qec "${mpirun[*]} -np 2 $nnlab run long.yaml \
    --no-store --threads 1 --set train.epochs=30000" /dev/null > progress.out 2>&1 || { cat progress.out; fail "the job at a terminal"; }
  tr '\r' '\n' < progress.out | grep "populations" > draws || true
  (( $(wc -l < draws) >= 1 )) || { cat -v progress.out; fail "no progress line at a terminal"; }
  ! grep -v "^2 ranks · populations [01]/1 · members [0-9]*/200 · " draws || fail "a progress draw that is not the job's one line"
  grep -q "populations 1/1 · members 200/200 · 100%" draws || fail "the progress line does not end at 100 %"
  echo "ok: one progress line, drawn $(wc -l < draws) times: $(tail -1 draws | sed 's/\x1b\[K//')"
else
  echo "not checked: the progress line (no script(1) to make a terminal)"
fi
echo "mpi_edges: all as expected"
