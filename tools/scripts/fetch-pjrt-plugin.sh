#!/usr/bin/env bash
# Fetches the official XLA CPU PJRT plugin (PyPI wheel `xla-cpu-pjrt`) and unpacks its
# shared library into a cache OUTSIDE the repo, so tpu-bridge tests and benchmarks can
# dlopen it. Idempotent: a second run finds the cached .so and does nothing.
#   cache: ${SYNCLINE_PJRT_CACHE:-$HOME/.cache/syncline/pjrt}/xla_cpu_pjrt.so
# Prints the plugin's path on its last line. Needs python3 with pip (or pip3 on PATH).
set -euo pipefail

PACKAGE="xla-cpu-pjrt"
SO_NAME="xla_cpu_pjrt.so"
CACHE_DIR="${SYNCLINE_PJRT_CACHE:-$HOME/.cache/syncline/pjrt}"
TARGET="$CACHE_DIR/$SO_NAME"

if [ -s "$TARGET" ]; then
  echo "PJRT CPU plugin already cached"
  echo "$TARGET"
  exit 0
fi

PIP=()
if command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then PIP=(python3 -m pip)
elif command -v pip3 >/dev/null; then PIP=(pip3)
elif command -v pip >/dev/null; then PIP=(pip)
else
  echo "error: no pip found; install python3-pip, then rerun $0" >&2
  exit 1
fi

mkdir -p "$CACHE_DIR"
WORK="$(mktemp -d "$CACHE_DIR/.download.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "downloading $PACKAGE from PyPI into $WORK"
"${PIP[@]}" download "$PACKAGE" --no-deps --only-binary=:all: --dest "$WORK" --quiet
WHEEL="$(ls "$WORK"/*.whl 2>/dev/null | head -n 1 || true)"
if [ -z "$WHEEL" ]; then
  echo "error: pip download $PACKAGE produced no wheel in $WORK" >&2
  exit 1
fi

# A wheel is a zip; python's zipfile avoids depending on `unzip`.
python3 - "$WHEEL" "$SO_NAME" "$WORK/unpacked" <<'PY'
import sys, zipfile, os
wheel, so_name, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if os.path.basename(n) == so_name]
    if not names:
        sys.exit(f"error: {so_name} not found in {wheel}; members: {z.namelist()[:20]}")
    z.extract(names[0], out)
    os.replace(os.path.join(out, names[0]), os.path.join(out, so_name))
PY

# Atomic publish: a concurrent run either sees nothing or the complete file.
mv -f "$WORK/unpacked/$SO_NAME" "$TARGET.tmp.$$"
mv -f "$TARGET.tmp.$$" "$TARGET"
basename "$WHEEL" > "$CACHE_DIR/xla_cpu_pjrt.wheel"
echo "PJRT CPU plugin cached from $(basename "$WHEEL")"
echo "$TARGET"
