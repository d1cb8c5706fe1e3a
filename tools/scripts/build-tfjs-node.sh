#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node (and, with --gpu, @tensorflow/tfjs-node-gpu) work from registry
# packages alone. Their own install scripts download libtensorflow 2.9.1 and a prebuilt addon
# from a storage host outside the registries, so the root package.json lists both as optional
# dependencies whose install scripts npm must not run (allowScripts: false), and this script
# does their install step instead:
#   1. the TensorFlow C library (libtensorflow_cc.so.2 + libtensorflow_framework.so.2) and its
#      C headers come from PyPI's tensorflow-cpu wheel (tensorflow, the CUDA build, for --gpu),
#      pinned below, downloaded with pip and unpacked into a cache OUTSIDE the repo:
#        ${SYNCLINE_TF_CACHE:-$HOME/.cache/syncline/tensorflow}/<wheel>-<version>/{lib,include}
#   2. they are linked into the package's deps/ where its binding.gyp looks for them
#      (deps/lib/libtensorflow.so -> libtensorflow_cc.so.2, ...; deps/include), by this script;
#   3. the addon is built from source with the package's own node-pre-gyp and npm's node-gyp,
#      against the Node headers Debian's nodejs installs (nodedir /usr), so nothing is fetched;
#   4. loading the package and adding two tensors proves it works.
# Idempotent: a built, loadable package with the same stamp is left alone in about a second.
# Never fails an install: when a step is impossible (no pip, no compiler, no Node headers, the
# package absent) it says why and exits 0; backend-tfjs then falls back to wasm.
# Options: --gpu also builds tfjs-node-gpu; --gpu-only builds only it; --force rebuilds.
# Needs: python3 with pip (or pip3), a C++ compiler, make, python3 (node-gyp), Node headers.
set -uo pipefail
cd "$(dirname "$0")/../.."

TF_VERSION="2.16.2" # 2.17-2.21 return 0 from int32 Round; 2.9.1 keeps the C API in a libpython-bound module
PY_TAG="3.11"       # any CPython the wheel exists for: only its C library is used
PLATFORM="manylinux2014_x86_64"
CACHE_ROOT="${SYNCLINE_TF_CACHE:-$HOME/.cache/syncline/tensorflow}"
MARKER="libtensorflow.so.2.9.1" # what tfjs-node's scripts/install.js checks before downloading

variants=(cpu)
force=0
for a in "$@"; do
  case "$a" in
    --gpu) variants=(cpu gpu) ;;
    --gpu-only) variants=(gpu) ;;
    --force) force=1 ;;
    *) echo "build-tfjs-node.sh: unknown option $a (known: --gpu, --gpu-only, --force)" >&2; exit 2 ;;
  esac
done

say() { echo "tfjs-node: $*"; }
give_up() {
  echo "tfjs-node: $1" >&2
  echo "tfjs-node: not available; @syncline/backend-tfjs will use wasm. Fix the above and rerun bash tools/scripts/build-tfjs-node.sh" >&2
  exit 0
}

package_of() { [ "$1" = gpu ] && echo "@tensorflow/tfjs-node-gpu" || echo "@tensorflow/tfjs-node"; }
wheel_of() { [ "$1" = gpu ] && echo "tensorflow" || echo "tensorflow-cpu"; }

# Loads the package in a fresh node and runs one op: the only proof that counts.
works() {
  node -e "
    const tf = require('$1');
    const s = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
    if (tf.getBackend() !== 'tensorflow' || s[0] !== 4 || s[1] !== 6) process.exit(1);
  " >/dev/null 2>&1
}

# 1. Fetch and unpack the wheel's C library and headers into the cache (once).
fetch_library() {
  local wheel="$1" dir="$CACHE_ROOT/$1-$TF_VERSION"
  if [ -s "$dir/lib/libtensorflow_cc.so.2" ] && [ -s "$dir/lib/libtensorflow_framework.so.2" ] && [ -s "$dir/include/tensorflow/c/c_api.h" ]; then
    echo "$dir"
    return 0
  fi
  local pip=()
  if command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip)
  elif command -v pip3 >/dev/null; then pip=(pip3)
  else
    echo "no pip found (install python3-pip) to download $wheel==$TF_VERSION" >&2
    return 1
  fi
  mkdir -p "$CACHE_ROOT" || return 1
  local work
  work="$(mktemp -d "$CACHE_ROOT/.download.XXXXXX")" || return 1
  say "downloading $wheel==$TF_VERSION from PyPI (its C library and headers; a few hundred MB, once)" >&2
  if ! "${pip[@]}" download --no-cache-dir --no-deps --only-binary=:all: --python-version "$PY_TAG" \
    --platform "$PLATFORM" --implementation cp --dest "$work" --quiet --disable-pip-version-check "$wheel==$TF_VERSION" >&2; then
    rm -rf "$work"
    echo "pip download $wheel==$TF_VERSION failed (see above)" >&2
    return 1
  fi
  # A wheel is a zip: take the two libraries and the C headers the addon includes.
  if ! python3 - "$work" <<'PY' >&2; then
import glob, os, sys, zipfile
work = sys.argv[1]
wheel = glob.glob(os.path.join(work, "*.whl"))[0]
out = os.path.join(work, "unpacked")
keep_dirs = ("tensorflow/include/tensorflow/c/", "tensorflow/include/tsl/c/")
keep_files = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        n = info.filename
        if n.endswith("/"):
            continue
        if n in keep_files:
            dest = os.path.join(out, "lib", os.path.basename(n))
        elif n.startswith(keep_dirs) or (n.startswith("tensorflow/include/") and "/platform/ctstring" in n):
            dest = os.path.join(out, "include", n[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
for need in ("lib/libtensorflow_cc.so.2", "lib/libtensorflow_framework.so.2", "include/tensorflow/c/c_api.h", "include/tensorflow/c/eager/c_api.h"):
    if not os.path.exists(os.path.join(out, need)):
        sys.exit(f"{need} not found in {os.path.basename(wheel)}")
open(os.path.join(out, "wheel.txt"), "w").write(os.path.basename(wheel) + "\n")
PY
    rm -rf "$work"
    echo "unpacking the $wheel wheel failed (see above)" >&2
    return 1
  fi
  # Publish atomically: a concurrent run sees either nothing or the whole directory.
  rm -rf "$dir"
  mv "$work/unpacked" "$dir" && rm -rf "$work" || return 1
  echo "$dir"
}

# 3. Toolchain for node-gyp: a compiler, make, python3 and the running Node's own headers.
# Sets NODEDIR and NODE_GYP, or WHY and returns 1.
check_toolchain() {
  command -v "${CXX:-c++}" >/dev/null || command -v g++ >/dev/null || { WHY="no C++ compiler (apt-get install g++)"; return 1; }
  command -v make >/dev/null || { WHY="no make (apt-get install make)"; return 1; }
  command -v python3 >/dev/null || { WHY="no python3 (node-gyp needs it)"; return 1; }
  NODEDIR="$(node -p "require('path').resolve(process.execPath, '..', '..')")"
  if [ ! -f "$NODEDIR/include/node/node_api.h" ] || [ ! -f "$NODEDIR/include/node/common.gypi" ]; then
    WHY="no Node headers in $NODEDIR/include/node (node-gyp would download them; install the headers of this Node, e.g. Debian's nodejs or libnode-dev)"
    return 1
  fi
  NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$NODE_GYP" ] || NODE_GYP=""
}

build_variant() {
  local variant="$1" pkg wheel pkgdir stamp libdir
  pkg="$(package_of "$variant")"
  wheel="$(wheel_of "$variant")"
  pkgdir="$(node -p "require('path').dirname(require.resolve('$pkg/package.json'))" 2>/dev/null)" || pkgdir=""
  if [ -z "$pkgdir" ]; then
    give_up "$pkg is not in node_modules (it is an optional dependency: npm ci leaves it unbuilt when npm honours allowScripts, and removes it when its install script ran and failed). Rerun npm ci with npm >= 11.19, or npm install --no-save --ignore-scripts $pkg@4.22.0"
  fi
  stamp="$wheel==$TF_VERSION node=$(node -p 'process.version + " napi " + process.versions.napi')"
  if [ "$force" = 0 ] && [ "$(cat "$pkgdir/deps/syncline-stamp" 2>/dev/null)" = "$stamp" ] && works "$pkg"; then
    say "$pkg already built ($stamp)"
    return 0
  fi
  local t0=$SECONDS
  libdir="$(fetch_library "$wheel")" || give_up "could not get the TensorFlow C library from $wheel==$TF_VERSION"
  check_toolchain || give_up "cannot build the $pkg addon from source: $WHY"

  # 2. Link the library and headers where binding.gyp and install.js look.
  rm -rf "$pkgdir/deps" "$pkgdir/lib" "$pkgdir/build"
  mkdir -p "$pkgdir/deps/lib"
  ln -s "$libdir/include" "$pkgdir/deps/include"
  ln -s "$libdir/lib/libtensorflow_cc.so.2" "$pkgdir/deps/lib/libtensorflow_cc.so.2"
  ln -s "$libdir/lib/libtensorflow_framework.so.2" "$pkgdir/deps/lib/libtensorflow_framework.so.2"
  ln -s libtensorflow_cc.so.2 "$pkgdir/deps/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$pkgdir/deps/lib/libtensorflow_framework.so"
  ln -s libtensorflow_cc.so.2 "$pkgdir/deps/lib/$MARKER"

  # 3. Build the addon with the package's own node-pre-gyp (no download: build from source).
  say "building the $pkg addon from source against $(cat "$libdir/wheel.txt" 2>/dev/null || echo "$wheel $TF_VERSION")"
  local log
  log="$(mktemp)"
  if ! (cd "$pkgdir" && env npm_config_build_from_source=true npm_config_nodedir="$NODEDIR" \
    ${NODE_GYP:+npm_config_node_gyp="$NODE_GYP"} \
    node "$(node -p "require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: ['$pkgdir'] })")" \
    install --build-from-source) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$pkgdir/lib" "$pkgdir/build" "$log"
    give_up "building the $pkg addon failed (last lines above)"
  fi
  rm -f "$log"
  rm -rf "$pkgdir/build" # objects only; the addon is in lib/napi-v*/

  # 4. Prove it.
  if ! works "$pkg"; then
    rm -rf "$pkgdir/lib"
    give_up "$pkg built but does not load or compute (node -e \"require('$pkg')\" shows why)"
  fi
  echo "$stamp" >"$pkgdir/deps/syncline-stamp"
  say "$pkg ready: TensorFlow $TF_VERSION C library from PyPI $wheel, addon built from source ($((SECONDS - t0)) s)"
}

for v in "${variants[@]}"; do build_variant "$v"; done
exit 0
