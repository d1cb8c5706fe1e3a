/**
 * Finds a module that ships next to the calling file, in source and built layouts alike:
 * `<dir>/<base>.ts` under tsx or jest, `<dir>/<base>.js` when the caller is itself a built
 * entry beside it, `<dir>/<subdir>/<base>.js` when tsup bundled the caller into the
 * package's dist root. Replica workers and plugin modules are loaded by path this way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ContractViolationError } from '../../errors/contract-violation-error';

/**
 * @param dir the caller's `__dirname`
 * @param subdir the folder the module sits in under the built dist root
 * @param owner the package to rebuild when the module is missing (named in the error)
 * @throws ContractViolationError naming the module, the directory and the package
 */
export function siblingModule(dir: string, base: string, subdir: string, owner: string): string {
  const file = [join(dir, `${base}.ts`), join(dir, `${base}.js`), join(dir, subdir, `${base}.js`)].find((f) => existsSync(f));
  if (!file) throw new ContractViolationError('package', owner, `module ${base} not found next to ${dir}; rebuild ${owner}`);
  return file;
}
