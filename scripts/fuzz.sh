#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/) with clang, AddressSanitizer and UBSan, and runs
# each over its seed corpus for a fixed time (issue 9, item 17).
#   scripts/fuzz.sh                     every harness for 30 s (what CI runs)
#   scripts/fuzz.sh --seconds 3600      a long campaign
#   scripts/fuzz.sh --seconds 600 csv   one harness
# Harnesses run two at a time (--jobs J to change). New inputs libFuzzer finds stay in
# build-fuzz/corpus/<harness>/ (the next run starts from them too); a crashing input is kept in
# build-fuzz/crashes/ and makes the script fail; reproduce it with build-fuzz/fuzz_<harness> FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
jobs=2
harnesses=()
while (( $# > 0 )); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
if (( ${#harnesses[@]} == 0 )); then harnesses=(config idx csv safetensors checkpoint artefacts); fi

scripts/install-deps.sh --fuzz
build_dir="${NNLAB_FUZZ_BUILD_DIR:-build-fuzz}"
# -O1 -g with assertions on; the libraries are instrumented for coverage, the harnesses link libFuzzer.
flags="-O1 -g -Wno-pass-failed -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DNNLAB_FUZZ=ON -DNNLAB_TESTS=OFF -DNNLAB_BENCH=OFF \
  -DNNLAB_NATIVE=OFF -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
cmake --build "$build_dir" --target fuzzers -j "$(nproc)"

mkdir -p "$build_dir/crashes" "$build_dir/logs"
run_one() {
  local harness="$1"
  mkdir -p "$build_dir/corpus/$harness"
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb / malloc limit: 2 GB is a finding.
  # The first corpus directory collects new inputs; the repository's seeds are only read.
  UBSAN_OPTIONS=print_stacktrace=1 "$build_dir/fuzz_$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build_dir/crashes/$harness-" \
    "$build_dir/corpus/$harness" "tests/fuzz/corpus/$harness" > "$build_dir/logs/$harness.log" 2>&1
}
pids=()
status=0
for harness in "${harnesses[@]}"; do
  [[ -x "$build_dir/fuzz_$harness" ]] || { echo "fuzz: no harness '$harness'" >&2; exit 2; }
  run_one "$harness" &
  pids+=("$!")
  if (( ${#pids[@]} >= jobs )); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

printf '%-12s %14s %10s %8s %8s  %s\n' harness executions "exec/s" corpus edges result
for harness in "${harnesses[@]}"; do
  log="$build_dir/logs/$harness.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$build_dir/corpus/$harness" -type f | wc -l)
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  result=ok
  if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |fuzz finding|deadly signal|ERROR: libFuzzer' "$log"; then result="CRASH (see $log)"; status=1; fi
  printf '%-12s %14s %10s %8s %8s  %s\n' "$harness" "${execs:-?}" "${rate:-?}" "$corpus" "${edges:-?}" "$result"
done
exit "$status"
