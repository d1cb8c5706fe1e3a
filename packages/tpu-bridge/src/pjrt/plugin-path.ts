/**
 * Where the XLA CPU PJRT plugin is found: `SYNCLINE_PJRT_CPU_PLUGIN`, else the cache that
 * tools/scripts/fetch-pjrt-plugin.sh fills (`SYNCLINE_PJRT_CACHE`, default
 * ~/.cache/syncline/pjrt/xla_cpu_pjrt.so).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CPU_PLUGIN_FILE = 'xla_cpu_pjrt.so';

/** The expected path of the CPU plugin (it may not exist). */
export function defaultCpuPluginPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SYNCLINE_PJRT_CPU_PLUGIN) return env.SYNCLINE_PJRT_CPU_PLUGIN;
  const cache = env.SYNCLINE_PJRT_CACHE ?? join(homedir(), '.cache', 'syncline', 'pjrt');
  return join(cache, CPU_PLUGIN_FILE);
}

/** The CPU plugin's path, or null with the reason it is unusable (for tests that skip). */
export function findCpuPlugin(env: NodeJS.ProcessEnv = process.env): { path: string | null; reason: string } {
  const path = defaultCpuPluginPath(env);
  if (existsSync(path)) return { path, reason: '' };
  return { path: null, reason: `XLA CPU PJRT plugin not found at ${path}; run tools/scripts/fetch-pjrt-plugin.sh` };
}
