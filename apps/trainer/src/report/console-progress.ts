/**
 * Console output while training: a cli-progress bar per epoch (examples/s, and the
 * epoch's running mean loss and accuracy so far, as Keras shows them, ETA) and, after
 * each epoch, one table row (loss, accuracy, val accuracy, images/s, share of step time
 * in the all-reduce). Silent when `enabled` is false (--json, non-chief).
 */
import { SingleBar } from 'cli-progress';
import type { BatchLogs, Callback, EpochLogs } from '@syncline/core';
import { extraMetrics, kerasName } from './metric-columns';

/**
 * Loss and accuracy averaged over the examples seen so far in an epoch. Each batch report
 * counts with its example count (with stepsPerExecution > 1 the report is the group's
 * last step, weighted by the whole group's examples).
 */
export class RunningMean {
  #loss = 0;
  #correct = 0;
  #examples = 0;

  add(logs: Pick<BatchLogs, 'loss' | 'accuracy' | 'examples'>): void {
    this.#loss += logs.loss * logs.examples;
    this.#correct += logs.accuracy * logs.examples;
    this.#examples += logs.examples;
  }

  get examples(): number {
    return this.#examples;
  }

  get loss(): number {
    return this.#examples > 0 ? this.#loss / this.#examples : Number.NaN;
  }

  get accuracy(): number {
    return this.#examples > 0 ? this.#correct / this.#examples : Number.NaN;
  }
}

export class ConsoleProgress implements Callback {
  #bar: SingleBar | undefined;
  #start = 0;
  #mean = new RunningMean();
  #headerShown = false;

  /** @param accuracy whether the spec's metrics include accuracy (a regression's do not: its columns show val_loss instead) */
  constructor(
    private readonly enabled: boolean,
    private readonly epochs: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly accuracy = true,
  ) {}

  onEpochBegin(epoch: number): void {
    if (!this.enabled) return;
    this.#start = performance.now();
    this.#mean = new RunningMean();
    this.#bar = new SingleBar({
      format: `epoch ${epoch + 1}/${this.epochs} [{bar}] {percentage}% | {value}/{total} steps | {rate} img/s | loss {loss}${this.accuracy ? ' | accuracy {accuracy}' : ''} | ETA {eta_formatted}`,
      stream: this.out,
      hideCursor: false,
      clearOnComplete: true,
      noTTYOutput: false,
      notTTYSchedule: 10_000,
    });
  }

  onBatchEnd(_epoch: number, logs: BatchLogs): void {
    if (!this.enabled) return;
    this.#mean.add(logs);
    const secs = (performance.now() - this.#start) / 1000;
    const payload = {
      rate: secs > 0 ? Math.round(this.#mean.examples / secs) : 0,
      loss: this.#mean.loss.toFixed(4),
      accuracy: this.#mean.accuracy.toFixed(4),
    };
    if (this.#bar && !this.#bar.isActive) this.#bar.start(logs.steps, logs.step + 1, payload);
    else this.#bar?.update(logs.step + 1, payload);
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    if (!this.enabled) return;
    this.#bar?.stop();
    // the spec's other metrics (top_k_accuracy, mse, mae, auc and their val_ twins) as extra columns
    const extra = extraMetrics(logs);
    const width = (key: string): number => Math.max(8, kerasName(key).length);
    if (!this.#headerShown) {
      const names = extra.map(([k]) => `  ${kerasName(k).padStart(width(k))}`).join('');
      this.out.write(`epoch      loss  ${this.accuracy ? 'accuracy  val_acc' : 'val_loss'}   images/s  allreduce${names}\n`);
      this.#headerShown = true;
    }
    const val = !this.accuracy
      ? (logs.valLoss === undefined ? '-' : logs.valLoss.toFixed(4)).padStart(8)
      : `${logs.accuracy.toFixed(4).padStart(8)}  ${logs.valAccuracy === undefined ? '      -' : logs.valAccuracy.toFixed(4).padStart(7)}`;
    const columns = extra.map(([k, v]) => `  ${v.toFixed(4).padStart(width(k))}`).join('');
    this.out.write(
      `${String(epoch + 1).padStart(5)}  ${logs.loss.toFixed(4).padStart(8)}  ${val}  ${Math.round(logs.examplesPerSec).toString().padStart(9)}  ${(100 * logs.allReduceShare).toFixed(1).padStart(8)}%${columns}\n`,
    );
  }
}
