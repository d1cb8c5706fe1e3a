/**
 * How a plugin package makes the typed references its users pass to a strategy, and how a
 * strategy checks what it was given. A plugin names its own module (`__filename` in
 * CommonJS, `import.meta.url` in an ES module: each build then names itself), so users
 * never write a module path and replicas load exactly the copy the user imported.
 */
import { fileURLToPath } from 'node:url';
import type { BackendRef, CommunicatorIsolation, CommunicatorRef, PluginKind, PluginRef, StepShape } from '../contracts/plugin-ref';
import { InvalidConfigError } from '../errors/invalid-config-error';

interface RefInit<TOptions> {
  /** The plugin's name, shown in messages and results. */
  readonly name: string;
  /** The module that exports `export`: `__filename`, `import.meta.url`, or a package name. */
  readonly module: string;
  readonly export: string;
  readonly options?: TOptions;
}

function modulePath(module: string): string {
  return module.startsWith('file:') ? fileURLToPath(module) : module;
}

/** Options travel to replicas by structured clone: refuse what cannot (functions, classes) now, by name. */
function cloneableOptions<T>(name: string, options: T | undefined): T | undefined {
  if (options === undefined) return undefined;
  try {
    structuredClone(options);
  } catch (e) {
    throw new InvalidConfigError(
      `${name} options`,
      options,
      'plain data (numbers, strings, arrays, objects): they are sent to every replica, so functions and class instances cannot be',
      { cause: e },
    );
  }
  return options;
}

/** A reference to a backend factory; for plugin authors (see `tfjs()` in @syncline/backend-tfjs). */
export function backendRef<TOptions>(init: RefInit<TOptions> & { readonly stepShape: StepShape }): BackendRef<TOptions> {
  const options = cloneableOptions(init.name, init.options);
  return {
    kind: 'backend',
    name: init.name,
    stepShape: init.stepShape,
    module: modulePath(init.module),
    export: init.export,
    ...(options !== undefined ? { options } : {}),
  };
}

/** A reference to a CommunicatorProvider; for plugin authors (see `sharedMemory()` in @syncline/collective). */
export function communicatorRef<TOptions>(
  init: RefInit<TOptions> & { readonly isolation: CommunicatorIsolation; readonly multiWorker?: boolean },
): CommunicatorRef<TOptions> {
  const options = cloneableOptions(init.name, init.options);
  return {
    kind: 'communicator',
    name: init.name,
    isolation: init.isolation,
    ...(init.multiWorker ? { multiWorker: true } : {}),
    module: modulePath(init.module),
    export: init.export,
    ...(options !== undefined ? { options } : {}),
  };
}

/**
 * Checks that `ref` (from option `field`) is a reference of `kind`: hand-written refs
 * without a kind are taken as they are.
 * @throws InvalidConfigError naming the field, the reference and what was expected
 */
export function checkPluginRef(field: string, ref: PluginRef | undefined, kind: PluginKind, hint: string): void {
  if (!ref || typeof ref.module !== 'string' || typeof ref.export !== 'string') {
    throw new InvalidConfigError(field, ref, `a ${kind} reference, e.g. ${hint}`);
  }
  if (ref.kind !== undefined && ref.kind !== kind) {
    throw new InvalidConfigError(field, `${ref.kind} reference "${ref.name ?? ref.export}"`, `a ${kind} reference, e.g. ${hint}`);
  }
}
