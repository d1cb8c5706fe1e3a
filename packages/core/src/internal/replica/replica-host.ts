/**
 * One replica's side of the Mirrored protocol, independent of transport (thread or
 * process). Protocol of a train step, on every replica at once:
 *   1. computeGradients on this replica's slice -> gradient of the summed loss;
 *   2. pack [gradients..., lossSum, count, correct, preempt, busy ms..., metric sums...]
 *      into one reused buffer and all-reduce it with `sum` (one fused collective per step);
 *      a preemption request anywhere is thereby seen by every rank at the same step, and
 *      the spec's metric sums (model/metric-layout.ts; none for accuracy only) are the
 *      global batch's exactly;
 *   3. divide the gradient by the global example count (mean weighted by examples, so
 *      a partial final batch is exact) and apply it: every replica applies the same
 *      bitwise-identical update, so the mirrored weights stay identical.
 * At init, a multi-worker group first checks that every rank was started with the same
 * settings (agreement.ts); then the global chief's (rank 0 of the whole group, not of this
 * process) weights are broadcast, so every replica of every worker starts identical even
 * when workers initialised from different seeds.
 *
 * Sharded weight update (TensorFlow's cross-replica weight-update sharding), when the
 * strategy asks for it and both the communicator (reduceScatter, allGatherShards) and the
 * backend (applyGradientsRange, trainableWeights) support it: steps 2-3 become
 *   2'. all-reduce the 4 metrics (and the metric sums); reduce-scatter the gradient, so this rank holds the sum
 *       of its shardRange only;
 *   3'. apply the optimizer to that range only (1/N of the optimizer's work) and
 *       all-gather the updated ranges straight into every replica's live weights.
 * The weights stay bitwise identical (each range is computed once and copied); the
 * optimizer slots are current only in a replica's own range, so exporting them gathers
 * every range first (a collective: every replica handles exportOptimizerState).
 * Non-trainable state (BatchNorm moving statistics) stays per replica between agreement checks,
 * which replace it by its mean across the group (#meanOfNonTrainable).
 */
import { createHash } from 'node:crypto';
import type { Batch } from '../../contracts/batch';
import type { OrchestratedBackend } from '../../contracts/backend';
import type { Communicator } from '../../contracts/communicator';
import type { BackendFactory, CommunicatorProvider } from '../../contracts/plugin-ref';
import type { GradientResult, ReplicaProgram } from '../../contracts/replica-program';
import type { OptimizerState } from '../../contracts/optimizer-state';
import type { WeightLayout } from '../../contracts/weight-layout';
import { shardRange } from '../../contracts/communicator';
import { ContractViolationError } from '../../errors/contract-violation-error';
import { checkAgreement } from './agreement';
import { BatchSlots } from './batch-slots';
import { loadPluginExport } from '../../plugins/load-plugin';
import { PhaseClock } from '../profile/phase-clock';
import { metricLayout } from '../../model/metric-layout';
import type { BatchRef, InitMessage, Request, StepMetrics, WeightUpdateMode, GradientBufferKind } from './replica-messages';

export class ReplicaHost {
  #program!: ReplicaProgram;
  #comm!: Communicator;
  #slots: BatchSlots | undefined;
  #fused!: Float32Array;
  #mean!: Float32Array;
  /** [lossSum, count, correct, preempt, busy ms of every rank..., metric sums...] when the update is sharded. */
  #metrics = new Float32Array(4);
  /** Length of the spec's metric sums vector (0: accuracy only, nothing extra is carried). */
  #sumsLength = 0;
  /** [lossSum, count, correct, metric sums...] of an evaluate request. */
  #evalBuf = new Float32Array(3);
  #clock!: PhaseClock;
  /** This rank's [start, end) of the trainable weights when the update is sharded. */
  #shard: [number, number] | undefined;
  #exampleShape!: readonly number[];
  backendName = '';

  async init(msg: InitMessage): Promise<{
    backend: string;
    communicator: string;
    weights: number;
    weightUpdate: WeightUpdateMode;
    gradientBuffer: GradientBufferKind;
    layout: WeightLayout;
  }> {
    const createBackend = await loadPluginExport<BackendFactory>(msg.backend, 'backend');
    const provider = await loadPluginExport<CommunicatorProvider>(msg.communicator, 'communicator');
    const backend: OrchestratedBackend = await createBackend(msg.backend.options);
    this.backendName = backend.name;
    this.#exampleShape = msg.spec.inputShape;
    this.#comm = await provider.join(msg.group, msg.rank, msg.communicator.options);
    // The replica's identity in the whole group (its dropout stream), not its index in this process.
    this.#program = await backend.createReplica(msg.spec, { seed: msg.seed, replicaId: this.#comm.rank, numReplicas: this.#comm.size });
    if (msg.slots) {
      const exampleLength = msg.spec.inputShape.reduce((a, b) => a * b, 1);
      this.#slots = new BatchSlots({ count: msg.slots.count, maxExamples: msg.slots.maxExamples, exampleLength }, msg.slots.buffer);
    }
    const n = this.#program.trainableSize;
    // a registered buffer when the communicator has one (shared memory reduces it in place)
    // [gradients, lossSum, count, correct, preempt, busy ms of each rank (PhaseClock), metric sums]
    const size = this.#comm.size;
    const sums = (this.#sumsLength = metricLayout(msg.spec.metrics).size);
    const registered = this.#comm.allocate?.(n + 4 + size + sums);
    this.#fused = registered ?? new Float32Array(n + 4 + size + sums);
    this.#metrics = new Float32Array(4 + size + sums);
    this.#evalBuf = new Float32Array(3 + sums);
    this.#mean = new Float32Array(n);
    if (msg.agreement) await checkAgreement(this.#comm, msg.agreement);
    const weights = await this.#program.getWeights();
    await this.#comm.broadcast(weights, 0);
    if (this.#comm.rank !== 0) await this.#program.setWeights(weights);
    this.#clock = new PhaseClock(this.#comm.rank, size);
    const p = this.#program;
    const c = this.#comm;
    // Global-norm clipping needs the whole reduced gradient on every rank: no sharded update then.
    const clips = msg.spec.optimizer.globalClipNorm !== undefined;
    if (msg.shardWeightUpdate === true && !clips && c.size > 1 && c.reduceScatter && c.allGatherShards && p.applyGradientsRange && p.trainableWeights) {
      this.#shard = shardRange(n, c.size, c.rank);
    }
    return {
      backend: backend.name,
      communicator: c.name,
      weights: weights.length,
      weightUpdate: this.#shard ? 'sharded' : 'replicated',
      gradientBuffer: registered ? 'registered' : 'plain',
      layout: { entries: p.layout.entries.map((e) => ({ ...e, shape: [...e.shape] })), totalSize: p.layout.totalSize },
    };
  }

  #batch(ref: BatchRef): Batch {
    if (ref.kind === 'inline') return { x: ref.x, y: ref.y, size: ref.size, exampleShape: this.#exampleShape };
    if (!this.#slots) throw new ContractViolationError('replica', String(this.#comm.rank), 'slot batch without shared slots');
    return this.#slots.read(ref.slot, ref.size, this.#exampleShape, ref.labels ?? 'int32');
  }

  async #trainStep(batch: Batch, preempt: boolean): Promise<StepMetrics> {
    const clock = this.#clock;
    clock.begin();
    const g = await this.#program.computeGradients(batch);
    clock.gradientsDone();
    const n = this.#program.trainableSize;
    if (g.gradients.length !== n) {
      throw new ContractViolationError('backend', this.backendName, `gradient length ${g.gradients.length} != trainable size ${n}`);
    }
    if (this.#shard) return this.#shardedStep(g, preempt, this.#shard);
    const fused = this.#fused;
    fused.set(g.gradients);
    fused[n] = g.lossSum;
    fused[n + 1] = g.count;
    fused[n + 2] = g.correct;
    fused[n + 3] = preempt ? 1 : 0;
    const sumsAt = n + 4 + this.#comm.size;
    if (this.#sumsLength > 0) this.#packSums(g, fused, sumsAt);
    clock.arrive(fused, n + 4);
    await this.#comm.allReduce(fused, 'sum');
    clock.collectiveDone(fused, n + 4);
    const count = fused[n + 1]!;
    if (count > 0) {
      clock.optimizerStart();
      const inv = 1 / count;
      const mean = this.#mean;
      for (let i = 0; i < n; i++) mean[i] = fused[i]! * inv;
      await this.#program.applyGradients(mean);
    }
    const out = clock.metrics({ lossSum: fused[n]!, count, correct: fused[n + 2]!, stopRequested: fused[n + 3]! > 0 }, fused.byteLength);
    return this.#sumsLength > 0 ? { ...out, sums: fused.slice(sumsAt, sumsAt + this.#sumsLength) } : out;
  }

  /** Copies the backend's metric sums into `buf` at `at`, checking their length against the spec's layout. */
  #packSums(m: { readonly sums?: Float32Array }, buf: Float32Array, at: number): void {
    if (m.sums?.length !== this.#sumsLength) {
      throw new ContractViolationError(
        'backend',
        this.backendName,
        `metric sums of length ${m.sums?.length ?? 'none'}; the spec's metrics need ${this.#sumsLength} (BatchMetrics.sums, metricLayout)`,
      );
    }
    buf.set(m.sums, at);
  }

  /** Steps 2'-3' of the header: the update sharded across ranks by shardRange. */
  async #shardedStep(g: GradientResult, preempt: boolean, [start, end]: [number, number]): Promise<StepMetrics> {
    const n = this.#program.trainableSize;
    const m = this.#metrics;
    m[0] = g.lossSum;
    m[1] = g.count;
    m[2] = g.correct;
    m[3] = preempt ? 1 : 0;
    const sumsAt = 4 + this.#comm.size;
    if (this.#sumsLength > 0) this.#packSums(g, m, sumsAt);
    const grad = this.#fused.subarray(0, n);
    grad.set(g.gradients);
    const clock = this.#clock;
    clock.arrive(m, 4);
    await this.#comm.allReduce(m, 'sum');
    await this.#comm.reduceScatter!(grad, 'sum');
    clock.collectiveDone(m, 4);
    const count = m[1]!;
    let bytes = m.byteLength + grad.byteLength;
    if (count > 0) {
      clock.optimizerStart();
      const inv = 1 / count;
      const mean = this.#mean;
      for (let i = start; i < end; i++) mean[i] = grad[i]! * inv;
      await this.#program.applyGradientsRange!(mean, start, end);
      const t2 = performance.now();
      const weights = this.#program.trainableWeights!();
      await this.#comm.allGatherShards!(weights);
      clock.addCollective(performance.now() - t2);
      bytes += weights.byteLength;
    }
    const out = clock.metrics({ lossSum: m[0]!, count, correct: m[2]!, stopRequested: m[3]! > 0 }, bytes);
    return this.#sumsLength > 0 ? { ...out, sums: m.slice(sumsAt, sumsAt + this.#sumsLength) } : out;
  }

  /** Gathers every rank's range of each optimizer slot (sharded updates keep only their own current). */
  async #exportOptimizerState(): Promise<OptimizerState> {
    const state = await this.#program.exportOptimizerState();
    if (!this.#shard) return state;
    const n = this.#program.trainableSize;
    for (const name of Object.keys(state.slots).sort()) {
      const slot = state.slots[name]!;
      if (slot.length !== n)
        throw new ContractViolationError('backend', this.backendName, `optimizer slot ${name} has ${slot.length} values; sharded updates need ${n}`);
      await this.#comm.allGatherShards!(slot);
    }
    return state;
  }

  /**
   * sha256 of this replica's weights and optimizer state (step and every slot, gathered when
   * sharded), all-gathered: every global rank's hash, in rank order (the agreement check,
   * train/replica-agreement-check.ts). A collective: every replica of the group handles it.
   */
  async #stateHashes(): Promise<string[]> {
    const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const h = createHash('sha256').update(bytes(await this.#meanOfNonTrainable()));
    const state = await this.#exportOptimizerState();
    h.update(`${state.name} ${state.step}`);
    for (const name of Object.keys(state.slots).sort()) h.update(name).update(bytes(state.slots[name]!));
    const digest = h.digest();
    // 16-bit pieces are exact in float32 and survive a sum with zeros: all-gather through allReduce
    const [size, rank] = [this.#comm.size, this.#comm.rank];
    const all = new Float32Array(size * 16);
    for (let i = 0; i < 16; i++) all[rank * 16 + i] = digest.readUInt16LE(2 * i);
    await this.#comm.allReduce(all, 'sum');
    return Array.from({ length: size }, (_, r) => Buffer.from(Uint16Array.from(all.subarray(r * 16, r * 16 + 16)).buffer).toString('hex'));
  }

  /**
   * BatchNorm moving statistics (the non-trainable tail of the weight layout) are each replica's
   * own during training, like Keras' ON_READ / MEAN variables under MirroredStrategy; when they are
   * read for the agreement check (so before every checkpoint and the final export) every replica
   * takes their mean across the group. They are exponential moving averages, which are linear, so
   * this is the mean Keras reads, and the replicas agree again. Returns the (updated) weights.
   */
  async #meanOfNonTrainable(): Promise<Float32Array> {
    const weights = await this.#program.getWeights();
    const n = this.#program.trainableSize;
    const size = this.#comm.size;
    if (weights.length === n || size === 1) return weights;
    const tail = weights.slice(n);
    await this.#comm.allReduce(tail, 'sum');
    const inv = 1 / size;
    for (let i = 0; i < tail.length; i++) tail[i] = tail[i]! * inv;
    weights.set(tail, n);
    await this.#program.setWeights(weights);
    return weights;
  }

  /** Handles one request; the returned value is posted back (transfer lists are the caller's). */
  async handle(req: Request): Promise<unknown> {
    const value = await this.#dispatch(req);
    // a collective outside a train step synchronised the ranks: busy time (the straggler report) counts from here
    if (req.type === 'evaluate' || req.type === 'allReduce' || req.type === 'exportOptimizerState' || req.type === 'stateHashes') this.#clock?.synchronised();
    return value;
  }

  async #dispatch(req: Request): Promise<unknown> {
    switch (req.type) {
      case 'train': {
        const out: StepMetrics[] = [];
        for (const ref of req.steps) out.push(await this.#trainStep(this.#batch(ref), req.preempt === true));
        // every rank's busy and waiting totals, once per request (the straggler report)
        if (req.totals === true && out.length > 0) out[out.length - 1] = { ...out[out.length - 1]!, rankTotals: this.#clock.totals() };
        return out;
      }
      case 'evaluate': {
        // Summed over every replica of every worker, so each coordinator holds the global metrics.
        const m = await this.#program.evaluate(this.#batch(req.batch));
        const buf = this.#evalBuf;
        buf[0] = m.lossSum;
        buf[1] = m.count;
        buf[2] = m.correct;
        if (this.#sumsLength > 0) this.#packSums(m, buf, 3);
        await this.#comm.allReduce(buf, 'sum');
        const reduced = { lossSum: buf[0], count: buf[1], correct: buf[2] };
        return this.#sumsLength > 0 ? { ...reduced, sums: buf.slice(3) } : reduced;
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
        return this.#exportOptimizerState();
      case 'stateHashes':
        return this.#stateHashes();
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
