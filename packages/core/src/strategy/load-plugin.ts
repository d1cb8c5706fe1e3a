/** Loads the export a PluginRef names, inside a replica or on the coordinator. */
import type { PluginRef } from '../contracts/plugin-ref';
import { InvalidConfigError } from '../errors/invalid-config-error';

/** Loads a PluginRef's export; errors name the module and export. */
export async function loadPluginExport<T>(ref: PluginRef, what: string): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    // require where it exists (CJS builds, jest), import() in ESM builds.
    mod = (typeof require === 'function' ? require(ref.module) : await import(ref.module)) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidConfigError(`${what}.module`, ref.module, 'an importable module (is the package installed and built?)', { cause: e });
  }
  const value = mod[ref.export] ?? (mod.default as Record<string, unknown> | undefined)?.[ref.export];
  if (value === undefined) {
    throw new InvalidConfigError(`${what}.export`, ref.export, `an export of ${ref.module} (found: ${Object.keys(mod).join(', ')})`);
  }
  return value as T;
}
