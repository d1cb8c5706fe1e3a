/**
 * What the in-process `syncline train` tests share: a run through runTrain with the flags a
 * test does not care about set once (2 thread replicas on onnx, the MLP, one step per
 * execution, --json, no straggler lines), and the PyTorch interpreter the peer comparisons
 * run. Each test passes only the flags its figure depends on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runTrain, type TrainResult } from '../src/commands/train';
import { validateTrainOptions } from '../src/commands/train-options';

/** The defaults under every in-process run; `flags` override them. */
const DEFAULTS = {
  strategy: 'mirrored',
  replicas: 2,
  isolation: 'thread',
  backend: 'onnx',
  model: 'mlp',
  globalBatch: 64,
  stepsPerExecution: 1,
  stragglerEvery: 0,
  json: true,
  timeoutMs: 120_000,
} as const;

/** `syncline train` with DEFAULTS and `flags` (the validated option names), its console lines to `log`. */
export function trainInProcess(flags: Record<string, unknown>, log: (line: string) => void = () => undefined): Promise<TrainResult> {
  return runTrain(validateTrainOptions({ ...DEFAULTS, ...flags }), log);
}

/** Debian's python3-torch lives under the system interpreter, which a pyenv or venv python3 on PATH may hide. */
export const TORCH_PYTHON = process.env.SYNCLINE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/**
 * Whether PyTorch imports; when it does not, says why `what` leaves its comparison out
 * (under CI that is an error: install.sh installs python3-torch).
 */
export function torchOrSay(what: string): boolean {
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = `${what}: ${TORCH_PYTHON} cannot import torch (${(r.stderr || String(r.error)).trim().split('\n').pop()}); bash tools/scripts/install.sh installs python3-torch`;
  if (process.env.CI === 'true') throw new Error(why);
  process.stderr.write(`${why}; skipping the PyTorch comparison\n`);
  return false;
}

export const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
