#!/usr/bin/env bash
# The main job: install what nnlab needs, build it, run the bundled Rumelhart (1986)
# mirror-symmetry experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh nnlab  # only what this job runs: scripts/test.sh builds the tests
build_dir="${NNLAB_BUILD_DIR:-build}"
"$build_dir/nnlab" run experiments/rumelhart1986-mirror.yaml --report reports/rumelhart1986-mirror "$@"
echo "open reports/rumelhart1986-mirror/index.html (the run is kept in runs.db: build/nnlab runs)"
