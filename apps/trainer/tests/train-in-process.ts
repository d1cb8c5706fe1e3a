/**
 * What the in-process `syncline train` tests share: a run through runTrain with the flags a
 * test does not care about set once (2 thread replicas on onnx, the MLP, one step per
 * execution, --json, no straggler lines), and the PyTorch interpreter the peer comparisons
 * run, and that peer's regression run. Each test passes only the flags its figure depends on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The same dense network trained by PyTorch (tests/peers/torch_mlp_regression.py) on `dir`'s
 * train.csv, tested on its test.csv, one test MSE per seed. Throws with the script's stderr
 * when it fails.
 */
export function torchRegressionMse(dir: string, run: Record<string, unknown>, seeds: readonly number[]): number[] {
  const script = join(__dirname, 'peers', 'torch_mlp_regression.py');
  const peer = spawnSync(TORCH_PYTHON, [script, join(dir, 'train.csv'), join(dir, 'test.csv'), JSON.stringify({ ...run, seeds })], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (peer.status !== 0) throw new Error(`${script} exited ${peer.status ?? peer.signal}: ${peer.stderr.slice(-1500)}`);
  return (JSON.parse(peer.stdout.trim().split('\n').pop()!) as { test_mse: number[] }).test_mse;
}
