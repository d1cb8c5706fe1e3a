#!/usr/bin/env bash
# Installs everything Syncline's main job and tests need on a fresh Debian machine:
#   - Debian packages: dataset-fashion-mnist (the real data), openmpi-bin + libopenmpi-dev
#     (the all-reduce benchmark's baseline), iproute2 (network-namespace tests), python3-pip,
#     chromium (headless, for the test that loads report.html in a browser), fonts-dejavu-core
#     (the font curves.png and the report charts are drawn with), python3-torch with OpenBLAS
#     (libopenblas0-openmp; without it Debian's torch runs on the reference BLAS at half speed):
#     the regression test's PyTorch peer, and `npm run bench -- peers`;
#   - npm packages, from the lockfile (npm ci; .npmrc skips onnxruntime-node's CUDA download);
#   - the XLA CPU PJRT plugin from PyPI, cached outside the repo (tpu-bridge tests);
#   - @tensorflow/tfjs-node, made to work from registry packages alone by
#     tools/scripts/build-tfjs-node.sh: the TensorFlow C library from PyPI's tensorflow-cpu
#     wheel (cached outside the repo), the addon built from source (npm ci installs the package
#     without its install script, which would download from elsewhere: allowScripts in
#     package.json). When that is impossible it says why and backend-tfjs uses wasm;
#   - then builds every package (npm run build), so `npx syncline` runs right away.
# With --gpu it also builds @tensorflow/tfjs-node-gpu the same way from PyPI's tensorflow wheel
# (the CUDA build; it runs on CPU where there is no GPU; see packages/backend-tfjs/README.md).
# With --bench it also installs what the benchmarks compare against besides OpenMPI and torch:
#   a Python venv in ~/.cache/syncline/bench-venv with tensorflow-cpu, pandas and pillow from
#   PyPI, the readers
#   `npm run bench -- data` compares its TFRecord and CSV sources with.
# Safe to rerun. Without root (and no sudo) it skips the apt step and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(dataset-fashion-mnist openmpi-bin libopenmpi-dev iproute2 chromium fonts-dejavu-core python3-torch libopenblas0-openmp)
TFJS_NODE_FLAGS=()
BENCH=0
for a in "$@"; do
  case "$a" in
    --bench) BENCH=1 ;;
    --gpu) TFJS_NODE_FLAGS+=(--gpu) ;;
    *) echo "install.sh: unknown option $a (known: --bench, --gpu)" >&2; exit 2 ;;
  esac
done
SUDO=""
if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null && SUDO="sudo -n"; fi
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] || [ -n "$SUDO" ]; then
    echo "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: not root and no sudo; please install: ${missing[*]}" >&2
  fi
fi

npm ci --no-audit --no-fund

# Python readers the tests check our files with: TensorBoard's own event reader, and
# onnxruntime (the version onnxruntime-node has), which must reproduce exported models.
if command -v python3 >/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check tensorboard==2.21.0 onnxruntime==1.30.0 \
    || echo "warning: pip install tensorboard onnxruntime failed; the TensorBoard reader and ONNX export tests will say why" >&2
fi

# The data benchmark's Python peers (install.sh --bench only; never fails the install).
if [ "$BENCH" = 1 ] && command -v python3 >/dev/null; then
  BENCH_VENV="$HOME/.cache/syncline/bench-venv"
  { [ -x "$BENCH_VENV/bin/python" ] || python3 -m venv "$BENCH_VENV"; } &&
    "$BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check tensorflow-cpu==2.16.2 numpy==1.26.4 pandas==3.0.6 pillow==13.0.0 \
    || echo "warning: the bench venv (tensorflow-cpu, pandas, pillow) was not installed; npm run bench -- data prints its rows without the Python peers" >&2
fi

# Never fails the install: without it backend-tfjs runs on wasm, and the script says why.
bash tools/scripts/build-tfjs-node.sh "${TFJS_NODE_FLAGS[@]}" || echo "warning: tfjs-node not built; backend-tfjs will use wasm" >&2

if [ -f tools/scripts/fetch-pjrt-plugin.sh ]; then bash tools/scripts/fetch-pjrt-plugin.sh || echo "warning: PJRT plugin not fetched; tpu-bridge tests will skip with a reason" >&2; fi

# Build every package, so that `npx syncline ...` (apps/trainer/bin/syncline.cjs runs the
# built dist/cli.js) and the examples work as soon as this script ends.
npm run build
