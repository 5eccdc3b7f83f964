#!/usr/bin/env bash
# The MPI benchmark (issue 13): bench/mpi/sweep40.yaml, 40 populations of mixed sizes, recorded
# into a store, run three ways in turn, `repeats` times each (median counts):
#   np2   mpirun -np 2, --threads 1 per rank    (the MPI job)
#   np1   mpirun -np 1, --threads 1             (one rank: the same work on one core)
#   t2    one process, --threads 2              (no MPI, both cores through OpenMP)
# It prints each side's whole-command wall seconds, the speed-ups np1/np2 (goal >= 1.8x on 2
# cores) and t2/np2, and the share of the np2 job rank 0 spent recording what rank 1 sent (its
# summary's recording_seconds over its seconds; goal < 5 %). Every np2 summary is checked
# against np1's (tests/cluster/compare_summaries.py): a fast wrong answer does not count.
#   bench/mpi.sh [repeats] [--set KEY=VALUE ...]     default 3 repeats
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then repeats=$1; shift; fi
scripts/install-deps.sh > /dev/null
scripts/build.sh nnlab > /dev/null
nnlab="$(realpath "${NNLAB_BUILD_DIR:-build}/nnlab")"
python=/usr/bin/python3
yaml=bench/mpi/sweep40.yaml
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mpi=(mpirun --oversubscribe --allow-run-as-root --mca btl self,vader,tcp)

once() {  # once NAME THREADS LAUNCH...: one run into a fresh store; prints its wall seconds
  local name=$1 threads=$2; shift 2
  rm -f "$scratch/$name.db"
  local start end
  start=$(date +%s%N)
  "$@" run "$yaml" --threads "$threads" --quiet --json --store "$scratch/$name.db" "${extra[@]}" > "$scratch/$name.json"
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 ))
}
extra=("$@")
declare -A seconds=([np2]="" [np1]="" [t2]="")
shares=""
for round in $(seq "$repeats"); do
  seconds[np2]+=" $(once np2 1 "${mpi[@]}" -np 2 "$nnlab")"
  seconds[np1]+=" $(once np1 1 "${mpi[@]}" -np 1 "$nnlab")"
  seconds[t2]+=" $(once t2 2 "$nnlab")"
  "$python" tests/cluster/compare_summaries.py "$scratch/np1.json" "$scratch/np2.json" > /dev/null
  shares+=" $("$python" -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['recording_seconds'] / d['seconds'])" "$scratch/np2.json")"
  echo "round $round of $repeats: np2 ${seconds[np2]##* } s, np1 ${seconds[np1]##* } s, t2 ${seconds[t2]##* } s" >&2
done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; $("$nnlab" --version | sed -n 2p)"
echo "workload: $yaml ${extra[*]}"
"$python" - "${seconds[np2]}" "${seconds[np1]}" "${seconds[t2]}" "$shares" <<'PY'
import statistics, sys
np2, np1, t2, shares = ([float(x) for x in a.split()] for a in sys.argv[1:5])
m = {k: statistics.median(v) for k, v in (("np2", np2), ("np1", np1), ("t2", t2))}
print(f"| mpirun -np 2 --threads 1 | {m['np2']:.2f} s |")
print(f"| mpirun -np 1 --threads 1 | {m['np1']:.2f} s |")
print(f"| one process --threads 2 | {m['t2']:.2f} s |")
print(f"speed-up 1 -> 2 ranks: {m['np1'] / m['np2']:.2f}x (goal >= 1.8x); against one process at 2 threads: {m['t2'] / m['np2']:.2f}x")
print(f"rank 0 recording the other rank's work: {100 * statistics.median(shares):.1f} % of the job (goal < 5 %)")
PY
