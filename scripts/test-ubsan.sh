#!/usr/bin/env bash
# Builds every test with UndefinedBehaviorSanitizer and runs them (issue 9, item 8): any
# undefined behaviour aborts its test. A separate build tree, ./build-ubsan (or
# $NNLAB_UBSAN_BUILD_DIR); the Release build's flags but -O1 (about half the build time of -O3
# on 2 cores; without -ffast-math and with -ffp-contract=off the floats are the same).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir="${NNLAB_UBSAN_BUILD_DIR:-build-ubsan}"
sanitize="-fsanitize=undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DNNLAB_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=undefined" > /dev/null
cmake --build "$build_dir" -j "$(nproc)"
# Left out here (they run in scripts/test.sh): the browser check, which only opens a report,
# and the two tests that SIGKILL runs at random moments, 2 minutes of process kills whose
# training code every other test already runs sanitized. The CLI tests run the sanitized nnlab.
skip='^(Report\.OpensInHeadlessChromium|Resume\..*KilledAtRandomEpochsEndsBitIdentical)$'
UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" -E "$skip"
