#!/usr/bin/env bash
# Configures and builds nnlab in Release into ./build (or $NNLAB_BUILD_DIR).
#   scripts/build.sh              everything: nnlab, the tests, the benchmarks
#   scripts/build.sh nnlab        only the given targets
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${NNLAB_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
targets=()
if (( $# > 0 )); then targets=(--target "$@"); fi
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
