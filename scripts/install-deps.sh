#!/usr/bin/env bash
# Installs the Debian packages nnlab needs. Idempotent; run as root (or with sudo).
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also PyTorch and dlib, the benchmark peers
#   scripts/install-deps.sh --fuzz   also clang and its sanitizer and libFuzzer runtimes (scripts/fuzz.sh)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libopenblas-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
  libsqlite3-dev libxxhash-dev libcairo2-dev fonts-dejavu-core
  dataset-fashion-mnist
  ccache  # optional: CMake compiles through it when present (rebuilds and worktrees reuse objects)
  chromium python3  # the report's browser test: headless Chromium on index.html
  libopenmpi-dev openmpi-bin  # NNLAB_MPI: `mpirun -np N nnlab run ...` (docs/cluster.md)
  iproute2  # the two-host MPI test: ranks in network namespaces joined by veth
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-torch python3-numpy libdlib-dev)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-dev libomp-dev)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if (( EUID != 0 )); then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
