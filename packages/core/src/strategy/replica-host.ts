/**
 * One replica's side of the Mirrored protocol, independent of transport (thread or
 * process). Protocol of a train step, on every replica at once:
 *   1. computeGradients on this replica's slice -> gradient of the summed loss;
 *   2. pack [gradients..., lossSum, count, correct, preempt] into one reused buffer
 *      and all-reduce it with `sum` (one fused collective per step); a preemption
 *      request anywhere is thereby seen by every rank at the same step;
 *   3. divide the gradient by the global example count (mean weighted by examples, so
 *      a partial final batch is exact) and apply it: every replica applies the same
 *      bitwise-identical update, so the mirrored weights stay identical.
 * At init, rank 0's weights are broadcast so every replica starts identical.
 */
import type { Batch } from '../contracts/batch';
import type { OrchestratedBackend } from '../contracts/backend';
import type { Communicator } from '../contracts/communicator';
import type { BackendFactory, CommunicatorProvider } from '../contracts/plugin-ref';
import type { ReplicaProgram } from '../contracts/replica-program';
import { ContractViolationError } from '../errors/contract-violation-error';
import { BatchSlots } from './batch-slots';
import { loadPluginExport } from './load-plugin';
import type { BatchRef, InitMessage, Request, StepMetrics } from './replica-messages';

export class ReplicaHost {
  #program!: ReplicaProgram;
  #comm!: Communicator;
  #slots: BatchSlots | undefined;
  #fused!: Float32Array;
  #mean!: Float32Array;
  readonly #metrics = new Float32Array(3);
  #exampleShape!: readonly number[];
  backendName = '';

  async init(msg: InitMessage): Promise<{ backend: string; communicator: string; weights: number }> {
    const createBackend = await loadPluginExport<BackendFactory>(msg.backend, 'backend');
    const provider = await loadPluginExport<CommunicatorProvider>(msg.communicator, 'communicator');
    const backend: OrchestratedBackend = await createBackend(msg.backend.options);
    this.backendName = backend.name;
    this.#exampleShape = msg.spec.inputShape;
    this.#program = await backend.createReplica(msg.spec, { seed: msg.seed, replicaId: msg.rank, numReplicas: msg.size });
    this.#comm = await provider.join(msg.group, msg.rank, msg.communicator.options);
    if (msg.slots) {
      const exampleLength = msg.spec.inputShape.reduce((a, b) => a * b, 1);
      this.#slots = new BatchSlots({ count: msg.slots.count, maxExamples: msg.slots.maxExamples, exampleLength }, msg.slots.buffer);
    }
    const n = this.#program.trainableSize;
    this.#fused = new Float32Array(n + 4);
    this.#mean = new Float32Array(n);
    const weights = await this.#program.getWeights();
    await this.#comm.broadcast(weights, 0);
    if (msg.rank !== 0) await this.#program.setWeights(weights);
    return { backend: backend.name, communicator: this.#comm.name, weights: weights.length };
  }

  #batch(ref: BatchRef): Batch {
    if (ref.kind === 'inline') return { x: ref.x, y: ref.y, size: ref.size, exampleShape: this.#exampleShape };
    if (!this.#slots) throw new ContractViolationError('replica', String(this.#comm.rank), 'slot batch without shared slots');
    return this.#slots.read(ref.slot, ref.size, this.#exampleShape);
  }

  async #trainStep(batch: Batch, preempt: boolean): Promise<StepMetrics> {
    const t0 = performance.now();
    const g = await this.#program.computeGradients(batch);
    const n = this.#program.trainableSize;
    if (g.gradients.length !== n) {
      throw new ContractViolationError('backend', this.backendName, `gradient length ${g.gradients.length} != trainable size ${n}`);
    }
    const fused = this.#fused;
    fused.set(g.gradients);
    fused[n] = g.lossSum;
    fused[n + 1] = g.count;
    fused[n + 2] = g.correct;
    fused[n + 3] = preempt ? 1 : 0;
    const t1 = performance.now();
    await this.#comm.allReduce(fused, 'sum');
    const t2 = performance.now();
    const count = fused[n + 1]!;
    if (count > 0) {
      const inv = 1 / count;
      const mean = this.#mean;
      for (let i = 0; i < n; i++) mean[i] = fused[i]! * inv;
      await this.#program.applyGradients(mean);
    }
    return {
      lossSum: fused[n]!,
      count,
      correct: fused[n + 2]!,
      stepMs: performance.now() - t0,
      allReduceMs: t2 - t1,
      stopRequested: fused[n + 3]! > 0,
    };
  }

  /** Handles one request; the returned value is posted back (transfer lists are the caller's). */
  async handle(req: Request): Promise<unknown> {
    switch (req.type) {
      case 'train': {
        const out: StepMetrics[] = [];
        for (const ref of req.steps) out.push(await this.#trainStep(this.#batch(ref), req.preempt === true));
        return out;
      }
      case 'evaluate': {
        // Summed over every replica of every worker, so each coordinator holds the global metrics.
        const m = await this.#program.evaluate(this.#batch(req.batch));
        const buf = this.#metrics;
        buf[0] = m.lossSum;
        buf[1] = m.count;
        buf[2] = m.correct;
        await this.#comm.allReduce(buf, 'sum');
        return { lossSum: buf[0], count: buf[1], correct: buf[2] };
      }
      case 'predict':
        return this.#program.predict(this.#batch(req.batch));
      case 'computeGradients':
        return this.#program.computeGradients(this.#batch(req.batch));
      case 'allReduce':
        return this.#comm.allReduce(req.buf, req.op);
      case 'applyGradients':
        return this.#program.applyGradients(req.gradients);
      case 'getWeights':
        return this.#program.getWeights();
      case 'setWeights':
        return this.#program.setWeights(req.weights);
      case 'exportOptimizerState':
        return this.#program.exportOptimizerState();
      case 'importOptimizerState':
        return this.#program.importOptimizerState(req.state);
      case 'setSlots': {
        const exampleLength = this.#exampleShape.reduce((a, b) => a * b, 1);
        this.#slots = new BatchSlots({ count: req.count, maxExamples: req.maxExamples, exampleLength }, req.buffer);
        return undefined;
      }
      case 'close':
        await this.close();
        return undefined;
    }
  }

  async close(): Promise<void> {
    await this.#comm?.close();
    await this.#program?.dispose();
  }
}
