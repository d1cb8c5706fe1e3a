/**
 * Console output while training: a cli-progress bar per epoch (examples/s, loss, ETA)
 * and, after each epoch, one table row (loss, accuracy, val accuracy, images/s, share
 * of step time in the all-reduce). Silent when `enabled` is false (--json, non-chief).
 */
import { SingleBar } from 'cli-progress';
import type { BatchLogs, Callback, EpochLogs } from '@syncline/core';

export class ConsoleProgress implements Callback {
  #bar: SingleBar | undefined;
  #start = 0;
  #examples = 0;
  #headerShown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly epochs: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  onEpochBegin(epoch: number): void {
    if (!this.enabled) return;
    this.#start = performance.now();
    this.#examples = 0;
    this.#bar = new SingleBar({
      format: `epoch ${epoch + 1}/${this.epochs} [{bar}] {percentage}% | {value}/{total} steps | {rate} img/s | loss {loss} | ETA {eta_formatted}`,
      stream: this.out,
      hideCursor: false,
      clearOnComplete: true,
      noTTYOutput: false,
      notTTYSchedule: 10_000,
    });
  }

  onBatchEnd(_epoch: number, logs: BatchLogs): void {
    if (!this.enabled) return;
    this.#examples += logs.examples;
    const secs = (performance.now() - this.#start) / 1000;
    const payload = { rate: secs > 0 ? Math.round(this.#examples / secs) : 0, loss: logs.loss.toFixed(4) };
    if (this.#bar && !this.#bar.isActive) this.#bar.start(logs.steps, logs.step + 1, payload);
    else this.#bar?.update(logs.step + 1, payload);
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    if (!this.enabled) return;
    this.#bar?.stop();
    if (!this.#headerShown) {
      this.out.write('epoch      loss  accuracy  val_acc   images/s  allreduce\n');
      this.#headerShown = true;
    }
    const val = logs.valAccuracy === undefined ? '      -' : logs.valAccuracy.toFixed(4).padStart(7);
    this.out.write(
      `${String(epoch + 1).padStart(5)}  ${logs.loss.toFixed(4).padStart(8)}  ${logs.accuracy.toFixed(4).padStart(8)}  ${val}  ${Math.round(logs.examplesPerSec).toString().padStart(9)}  ${(100 * logs.allReduceShare).toFixed(1).padStart(8)}%\n`,
    );
  }
}
