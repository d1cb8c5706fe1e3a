/**
 * A StepProfiler that keeps every step of every local replica, the coordinator's spans and
 * its group ends in growable number columns (PhaseStore: nothing allocated per step), and
 * turns them into a Chrome trace / Perfetto JSON file at the end (trace-events.ts).
 */
import type { CoordinatorSpanName, StepPhaseTimes, StepProfiler } from '../contracts/step-profiler';
import { PhaseStore } from './phase-store';
import { buildTraceEvents, SPAN_NAMES, type TimelineData, type TraceFile } from './trace-events';
import { TraceWriter } from './trace-writer';

/** Columns of a replica-step row (see StepPhaseTimes). */
export const STEP_COLUMNS = [
  'step',
  'replica',
  'startMs',
  'dataWaitMs',
  'forwardBackwardMs',
  'otherMs',
  'allReduceMs',
  'peerWaitMs',
  'optimizerMs',
  'bytes',
] as const;

export interface TimelineRecorderOptions {
  /** This process's rank among the workers: the trace's pid. */
  readonly worker: number;
  /** Workers in the run (recorded in the file). */
  readonly workers: number;
  /** Free-form facts kept in the file's otherData (model, backend, flags...). */
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
}

export class TimelineRecorder implements StepProfiler {
  readonly steps = new PhaseStore(STEP_COLUMNS.length);
  readonly spans = new PhaseStore(4);
  readonly groups = new PhaseStore(3);

  constructor(readonly options: TimelineRecorderOptions) {}

  replicaStep(step: number, p: StepPhaseTimes): void {
    const at = this.steps.push();
    const d = this.steps.data;
    d[at] = step;
    d[at + 1] = p.replica;
    d[at + 2] = p.startMs;
    d[at + 3] = p.dataWaitMs;
    d[at + 4] = p.forwardBackwardMs;
    d[at + 5] = p.otherMs;
    d[at + 6] = p.allReduceMs;
    d[at + 7] = p.peerWaitMs;
    d[at + 8] = p.optimizerMs;
    d[at + 9] = p.bytes;
  }

  span(name: CoordinatorSpanName, beforeStep: number, startMs: number, durationMs: number): void {
    const at = this.spans.push();
    const d = this.spans.data;
    d[at] = SPAN_NAMES.indexOf(name);
    d[at + 1] = beforeStep;
    d[at + 2] = startMs;
    d[at + 3] = durationMs;
  }

  groupEnd(firstStep: number, lastStep: number, endMs: number): void {
    const at = this.groups.push();
    const d = this.groups.data;
    d[at] = firstStep;
    d[at + 1] = lastStep;
    d[at + 2] = endMs;
  }

  /** The recorded data, as the pure trace builder takes it. */
  data(): TimelineData {
    return { worker: this.options.worker, workers: this.options.workers, steps: this.steps, spans: this.spans, groups: this.groups };
  }

  toTrace(): TraceFile {
    return buildTraceEvents(this.data(), this.options.meta ?? {});
  }

  /** Streams the trace to `file` (through a temporary file and a rename: readers never see half a file); returns its bytes. */
  write(file: string): number {
    const writer = new TraceWriter(file);
    const head = buildTraceEvents(this.data(), this.options.meta ?? {}, (e) => writer.push(e));
    return writer.close(head.otherData);
  }
}
