/** Test helper: the CPU plugin, or a printed reason and a skipped suite when it is absent. */
import { findCpuPlugin } from '../src/pjrt/plugin-path';

export const plugin = findCpuPlugin();
if (!plugin.path) console.warn(`[tpu-bridge] skipping PJRT tests: ${plugin.reason}`);
/** `describe` when the plugin is present, `describe.skip` (with the reason printed above) otherwise. */
export const describeWithPlugin = plugin.path ? describe : describe.skip;
