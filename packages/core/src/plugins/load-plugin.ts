/**
 * Loads the export a PluginRef names, inside a replica or on the coordinator, from whatever
 * module system this copy of core runs in:
 *   1. a file URL becomes a path; a path or package name is required where CommonJS
 *      `require` exists (CommonJS builds, jest, tsx's CommonJS hook: it loads `.ts` sources);
 *   2. where `require` is missing or refuses the module (core's ESM build, whose bundler
 *      shim throws "Dynamic require ... is not supported"; an ES module on a Node without
 *      require(esm)), the module is `import()`ed instead;
 *   3. the export is looked up by name, also on a CommonJS default export.
 * Errors name the reference's field, the module and the real cause.
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginRef } from '../contracts/plugin-ref';
import { InvalidConfigError } from '../errors/invalid-config-error';

/** True when `require` could not take this module but `import()` can. */
function needsImport(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return true;
  return /Dynamic require of .* is not supported/.test(String((e as Error).message));
}

/** Loads a module by specifier, path or file URL (see the protocol above). */
export async function loadModule(specifier: string): Promise<Record<string, unknown>> {
  const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
  if (typeof require === 'function') {
    try {
      return require(target) as Record<string, unknown>;
    } catch (e) {
      if (!needsImport(e)) throw e;
    }
  }
  return (await import(isAbsolute(target) ? pathToFileURL(target).href : target)) as Record<string, unknown>;
}

/**
 * Loads a PluginRef's export.
 * @param what the option that holds the reference, named in errors ("backend", "communicator")
 * @throws InvalidConfigError naming `<what>.module` when the module cannot be loaded (with the
 *   loader's own reason as cause), or `<what>.export` when it has no such export
 */
export async function loadPluginExport<T>(ref: PluginRef, what: string): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(ref.module);
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).split('\n')[0];
    throw new InvalidConfigError(`${what}.module`, ref.module, `a module this process can load (loading it failed: ${reason})`, { cause: e });
  }
  const value = mod[ref.export] ?? (mod.default as Record<string, unknown> | undefined)?.[ref.export];
  if (value === undefined) {
    const found = Object.keys(mod).filter((k) => k !== 'default');
    throw new InvalidConfigError(`${what}.export`, ref.export, `an export of ${ref.module} (found: ${found.join(', ') || 'none'})`);
  }
  return value as T;
}
