#!/usr/bin/env bash
# GPU check for @syncline/tpu-bridge: trains the CNN preset for a fixed number of steps
# through the CUDA PJRT plugin (xla_cuda_plugin.so from the jax-cuda13-pjrt wheel) and
# prints our step time next to JAX's for the same model at the same batch.
# Target: our step time (stepsPerExecution 1) <= 1.2x JAX's jitted step.
#
# Needs: an NVIDIA GPU, python3 with jax + jax-cuda13-pjrt (the plugin is found under the
# Python site-packages), node 20 with this repo's node_modules (npm ci) -- the GPU machine
# has no network, so carry node_modules or install them beforehand.
# Usage: tools/gpu-check.sh [steps=200] [batch=64]; PJRT_CUDA_PLUGIN=/path overrides the
# plugin search. Exit status: 0 target met, 1 target missed, 2 cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS="${1:-200}"
BATCH="${2:-64}"
TARGET_RATIO=1.2
OUT="${OUT:-$(mktemp -d)}"

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi failed); run on the GPU machine" >&2
  exit 2
fi
nvidia-smi -L

PLUGIN="${PJRT_CUDA_PLUGIN:-}"
if [ -z "$PLUGIN" ]; then
  PLUGIN="$(python3 - <<'PY'
import glob, os, site, sys
roots = set(site.getsitepackages() + [site.getusersitepackages()] + [p for p in sys.path if p.endswith("-packages")])
hits = sorted(h for r in roots for h in glob.glob(os.path.join(r, "**", "xla_cuda_plugin.so"), recursive=True))
print(hits[0] if hits else "")
PY
)"
fi
if [ -z "$PLUGIN" ] || [ ! -f "$PLUGIN" ]; then
  echo "gpu-check: xla_cuda_plugin.so not found under Python site-packages; install jax-cuda13-pjrt or set PJRT_CUDA_PLUGIN" >&2
  exit 2
fi
echo "CUDA PJRT plugin: $PLUGIN"

if [ ! -d node_modules/koffi ] || [ ! -d node_modules/protobufjs ]; then
  echo "gpu-check: node_modules missing (koffi, protobufjs); run npm ci (or carry node_modules) first" >&2
  exit 2
fi
if [ ! -f packages/tpu-bridge/dist/index.js ] || [ ! -f packages/core/dist/index.js ]; then
  echo "building @syncline/core and @syncline/tpu-bridge"
  NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build -p core tpu-bridge --output-style=static >/dev/null
fi

echo "JAX: CNN train step, batch $BATCH, $STEPS steps"
python3 tools/bench/pjrt/jax_cnn_step.py --steps "$STEPS" --batch "$BATCH" | tail -n 1 > "$OUT/jax.json"
cat "$OUT/jax.json"
echo "Syncline PJRT: CNN train step, batch $BATCH, $STEPS steps (stepsPerExecution 1 and 8)"
node --import tsx tools/bench/pjrt/gpu-step.ts --plugin "$PLUGIN" --steps "$STEPS" --batch "$BATCH" 2> "$OUT/ours.log" | tail -n 1 > "$OUT/ours.json" || {
  echo "gpu-check: our run failed:" >&2; tail -n 30 "$OUT/ours.log" >&2; exit 1; }
cat "$OUT/ours.json"

python3 - "$OUT/jax.json" "$OUT/ours.json" "$TARGET_RATIO" <<'PY'
import json, sys
jax_run, ours, target = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), float(sys.argv[3])
base = jax_run["ms_per_step"]
print(f"\n{'run':<28}{'ms/step':>10}{'vs JAX':>10}")
print(f"{'JAX jit (' + jax_run['device'] + ')':<28}{base:>10.3f}{1.0:>10.2f}")
for row in ours["rows"]:
    print(f"{'ours, stepsPerExecution ' + str(row['k']):<28}{row['ms_per_step']:>10.3f}{row['ms_per_step'] / base:>10.2f}")
ratio = ours["rows"][0]["ms_per_step"] / base
summary = {"check": "gpu", "batch": jax_run["batch"], "jax_ms_per_step": base,
           "ours": ours["rows"], "ratio_k1": round(ratio, 3), "target": target, "met": ratio <= target}
print(json.dumps(summary))
sys.exit(0 if ratio <= target else 1)
PY
