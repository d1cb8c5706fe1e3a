import type { Batch } from '../../contracts/batch';
import type { CompiledProgram, StackedBatches } from '../../contracts/compiled-program';
import { CompiledEngine } from './compiled-engine';

/** A program that records what it was fed (the engine's logic, not a backend, is under test). */
function recordingProgram(seen: number[][]): CompiledProgram {
  return {
    layout: { entries: [], totalSize: 0 },
    numReplicas: 2,
    perReplicaBatch: 2,
    stepsPerExecution: 3,
    async trainSteps(s: StackedBatches) {
      seen.push(s.batches.flatMap((step) => step.flatMap((b) => Array.from(b.y))));
      return s.batches.map((step) => ({ lossSum: 0, count: step.reduce((a, b) => a + b.size, 0), correct: 0 }));
    },
    evaluate: async (b) => ({ lossSum: 1, count: b.size, correct: 0 }),
    predict: async (b) => new Float32Array(b.size),
    getWeights: async () => new Float32Array(0),
    setWeights: async () => undefined,
    exportOptimizerState: async () => ({ name: 'sgd', step: 0, slots: {} }),
    importOptimizerState: async () => undefined,
    dispose: async () => undefined,
  };
}

const batch = (labels: number[]): Batch => ({ x: new Float32Array(labels.length * 2), y: Int32Array.from(labels), size: labels.length, exampleShape: [2] });

describe('CompiledEngine', () => {
  it('copies staged steps, so the caller may reuse its buffers while a group runs', async () => {
    const seen: number[][] = [];
    const engine = new CompiledEngine(recordingProgram(seen), [2]);
    const a = batch([1, 2]);
    const b = batch([3, 4]);
    engine.stageStep([a, b]);
    a.y.fill(9); // the pipeline reuses its ring slot
    engine.stageStep([batch([5, 6]), batch([7, 8])]);
    const running = engine.runStaged();
    engine.stageStep([batch([10, 11]), batch([12, 13])]); // next group, other buffer set
    const r = await running;
    expect(r.map((m) => m.count)).toEqual([4, 4]);
    await engine.runStaged();
    expect(seen).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8],
      [10, 11, 12, 13],
    ]);
  });

  it('refuses a partial batch, saying what to do', () => {
    const engine = new CompiledEngine(recordingProgram([]), [2]);
    expect(() => engine.stageStep([batch([1]), batch([2, 3])])).toThrow(
      /replica 0 got a batch of 1 examples; the compiled step needs exactly 2 .*dropRemainder/,
    );
    expect(() => engine.stageStep([batch([1, 2])])).toThrow(/compiled for 2 devices/);
  });
});
