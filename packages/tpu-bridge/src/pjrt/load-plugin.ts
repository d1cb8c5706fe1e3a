/**
 * Loads a PJRT plugin library and returns its PJRT_Api table, checked.
 *
 * 1. dlopen the library with RTLD_NODELETE through libc, so it stays mapped for the life
 *    of the process: the XLA plugins register atexit handlers, and unmapping them
 *    before exit (koffi closes its libraries on teardown) crashes the process at exit.
 * 2. Load it with koffi and call `GetPjrtApi()`.
 * 3. Read PJRT_Api.pjrt_api_version; refuse another major, or a minor older than we
 *    were checked against, with an error that names both versions and the file.
 * 4. PJRT_Plugin_Initialize, once per library per process.
 */
import { existsSync } from 'node:fs';
import { koffi } from './koffi';
import { BackendError, InvalidConfigError } from '@syncline/core';
import { API_FIRST_SLOT_OFFSET, PJRT_API_MAJOR, PJRT_API_MINOR_MIN, PJRT_API_MINOR_PINNED } from './api-version';
import { PjrtApi } from './pjrt-api';

const RTLD_NOW = 0x2;
const RTLD_NODELETE = 0x1000;
const LIBC = 'libc.so.6';

const loaded = new Map<string, PjrtApi>();

/** Reads major/minor from a PJRT_Api table at `apiPtr`. */
function readVersion(apiPtr: bigint): { major: number; minor: number; tableBytes: number } {
  const head = new DataView(koffi.view(apiPtr, API_FIRST_SLOT_OFFSET));
  const tableBytes = Number(head.getBigUint64(0, true));
  // PJRT_Api_Version at offset 16: struct_size (8), extension_start (8), major (int), minor (int).
  return { tableBytes, major: head.getInt32(16 + 16, true), minor: head.getInt32(16 + 20, true) };
}

/**
 * Loads (once per path per process) and initializes a PJRT plugin.
 * @throws InvalidConfigError when the file is missing; BackendError when it is not a
 *   PJRT plugin, has an incompatible API version, or fails to initialize.
 */
export function loadPjrtPlugin(path: string): PjrtApi {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new InvalidConfigError(
      'pluginPath',
      path,
      'an existing PJRT plugin file: run tools/scripts/fetch-pjrt-plugin.sh (CPU plugin), or pass pluginPath / set PJRT_PLUGIN_LIBRARY_PATH',
      { source: 'PJRT plugin' },
    );
  }
  const dlopen = koffi.load(LIBC).func('void* dlopen(const char* file, int mode)');
  const dlerror = koffi.load(LIBC).func('const char* dlerror()');
  if (!dlopen(path, RTLD_NOW | RTLD_NODELETE)) {
    throw new BackendError('pjrt', `dlopen("${path}") failed: ${String(dlerror())}; is it a shared library for this platform?`);
  }
  const lib = koffi.load(path);
  let getApi: () => bigint | null;
  try {
    getApi = lib.func('void* GetPjrtApi()') as () => bigint | null;
  } catch (cause) {
    throw new BackendError('pjrt', `"${path}" exports no GetPjrtApi symbol; it is not a PJRT plugin`, { cause });
  }
  const apiPtr = getApi();
  if (!apiPtr) throw new BackendError('pjrt', `GetPjrtApi() in "${path}" returned NULL`);
  const { major, minor, tableBytes } = readVersion(apiPtr);
  if (major !== PJRT_API_MAJOR || minor < PJRT_API_MINOR_MIN) {
    throw new BackendError(
      'pjrt',
      `plugin "${path}" implements PJRT C API ${major}.${minor}; this binding needs ${PJRT_API_MAJOR}.${PJRT_API_MINOR_MIN} or newer ` +
        `(declarations pinned to ${PJRT_API_MAJOR}.${PJRT_API_MINOR_PINNED}); use a plugin built from a newer XLA`,
      { detailCode: 'VERSION_MISMATCH' },
    );
  }
  const api = new PjrtApi(apiPtr, { path, major, minor, tableBytes });
  api.initializePlugin();
  loaded.set(path, api);
  return api;
}
