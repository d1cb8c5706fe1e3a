import fc from 'fast-check';
import { isSynclineError } from '../errors/syncline-error';
import {
  allTasks,
  denseJobs,
  hostArb,
  mutate,
  mutationArb,
  portArb,
  sparseJobs,
  validClusterArb,
  VERTEX_NAMES,
  type ValidCluster,
} from './cluster-arbitraries';
import { checkHostPort, isAddressProblem } from './host-port';
import { makeTfConfig } from './make-tf-config';
import type { BaseClusterResolver } from './base-cluster-resolver';
import { SimpleClusterResolver } from './simple-cluster-resolver';
import { TFConfigClusterResolver } from './tf-config-cluster-resolver';

const RUNS = 200;
const FUZZ_RUNS = 1000;

/** What a resolver says about its task, for comparing spellings of one cluster. */
function summary(r: BaseClusterResolver): unknown {
  return [r.taskType, r.taskIndex, r.rank, r.worldSize, r.isChief, r.isEvaluator, r.taskAddress, r.rankAddresses, r.clusterSpec()];
}

/** Calls `fn`; any throw must be an INVALID_CONFIG SynclineError. Returns the result or undefined. */
function resolvesOrRefuses<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!isSynclineError(e) || e.code !== 'INVALID_CONFIG') throw e;
    expect(e.message.length).toBeGreaterThan(0);
    return undefined;
  }
}

/** Invariants every successfully resolved placement keeps. */
function checkInvariants(r: BaseClusterResolver): void {
  expect(r.rankAddresses.length).toBe(r.isLocal ? 0 : r.worldSize);
  expect(new Set(r.rankAddresses).size).toBe(r.rankAddresses.length);
  expect(r.worldSize).toBeGreaterThanOrEqual(1);
  if (r.taskType === 'chief' || r.taskType === 'worker') {
    expect(r.rank).toBeGreaterThanOrEqual(0);
    expect(r.rank).toBeLessThan(r.worldSize);
    if (!r.isLocal) expect(r.rankAddresses[r.rank]).toBe(r.taskAddress);
  } else {
    expect([r.rank, r.isChief]).toEqual([-1, false]);
  }
  expect(r.isEvaluator).toBe(r.taskType === 'evaluator');
  expect(r.describe().length).toBeGreaterThan(0);
}

describe('cluster resolvers over random valid clusters', () => {
  it('accept every address fast-check generates (DNS names, IPv4, IPv6)', () => {
    fc.assert(
      fc.property(hostArb, portArb, (host, port) => {
        const r = checkHostPort(`${host}:${port}`);
        expect(isAddressProblem(r) ? r.expected : r.port).toBe(port);
      }),
      { numRuns: RUNS },
    );
  });

  it('give every training task a distinct rank 0..worldSize-1, chief first, exactly one chief', () => {
    fc.assert(
      fc.property(validClusterArb, (c: ValidCluster) => {
        const resolvers = allTasks(c).map(([type, index]) => TFConfigClusterResolver.fromObject({ cluster: denseJobs(c), task: { type, index } }));
        const worldSize = c.chief.length + c.worker.length;
        const training = resolvers.filter((r) => r.isTrainingTask);
        expect(training.map((r) => r.rank).sort((a, b) => a - b)).toEqual([...Array(worldSize).keys()]);
        expect(resolvers.filter((r) => r.isChief)).toHaveLength(1);
        const chief = resolvers.find((r) => r.isChief)!;
        expect([chief.rank, chief.taskType]).toEqual([0, c.chief.length > 0 ? 'chief' : 'worker']);
        for (const r of resolvers) {
          checkInvariants(r);
          expect(r.worldSize).toBe(worldSize);
          expect(r.rankAddresses).toEqual([...c.chief, ...c.worker]);
          expect(r.taskAddress).toBe(c[r.taskType][r.taskIndex]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('resolve the same placement from JSON text, sparse maps, CLUSTER_SPEC, SimpleClusterResolver and toTfConfig()', () => {
    fc.assert(
      fc.property(validClusterArb, fc.nat(), fc.boolean(), (c, pick, reverse) => {
        const tasks = allTasks(c);
        const [type, index] = tasks[pick % tasks.length]!;
        const base = TFConfigClusterResolver.fromObject({ cluster: denseJobs(c), task: { type, index } });
        const spellings = [
          TFConfigClusterResolver.fromEnv({ TF_CONFIG: JSON.stringify({ cluster: denseJobs(c), task: { type, index: String(index) }, environment: 'cloud' }) }),
          TFConfigClusterResolver.fromObject({ sparseCluster: sparseJobs(c, reverse), task: { type, index } }),
          TFConfigClusterResolver.fromObject({ cluster: sparseJobs(c, reverse), task: { type, index } }),
          TFConfigClusterResolver.fromEnv({ CLUSTER_SPEC: JSON.stringify({ cluster: denseJobs(c, VERTEX_NAMES), task: { type: VERTEX_NAMES[type], index } }) }),
          new SimpleClusterResolver({ cluster: denseJobs(c), taskType: type, taskIndex: index }),
          TFConfigClusterResolver.fromObject(base.toTfConfig()),
        ];
        for (const r of spellings) expect(summary(r)).toEqual(summary(base));
      }),
      { numRuns: RUNS },
    );
  });

  it('makeTfConfig gives rank r to entry r for any size, port and chief choice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 65535 - 31 }), fc.boolean(), hostArb, (workers, basePort, chief, host) => {
        const configs = makeTfConfig({ workers, hostIp: host, basePort, chief });
        configs.forEach((cfg, rank) => {
          const r = TFConfigClusterResolver.fromEnv({ TF_CONFIG: JSON.stringify(cfg) });
          expect([r.rank, r.worldSize, r.isChief]).toEqual([rank, workers, rank === 0]);
        });
      }),
      { numRuns: RUNS / 4 },
    );
  });
});

describe('cluster resolvers over random and mutated input', () => {
  it('never fail other than with InvalidConfigError on mutated valid configs', () => {
    fc.assert(
      fc.property(validClusterArb, fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (c, pick, mutations, vertex) => {
        const tasks = allTasks(c);
        const [type, index] = tasks[pick % tasks.length]!;
        const names = vertex ? VERTEX_NAMES : undefined;
        let config: unknown = { cluster: denseJobs(c, names), task: { type: names ? names[type] : type, index }, environment: 'cloud' };
        for (const m of mutations) config = mutate(config, m);
        const parse = vertex ? TFConfigClusterResolver.fromVertexClusterSpec : TFConfigClusterResolver.fromObject;
        const r = resolvesOrRefuses(() => parse(config));
        if (r) checkInvariants(r);
        const fromText = resolvesOrRefuses(() => parse(JSON.stringify(config) ?? 'undefined'));
        if (fromText) checkInvariants(fromText);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('never fail other than with InvalidConfigError on arbitrary values and text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.json(), fc.string()), (input) => {
        for (const parse of [TFConfigClusterResolver.fromObject, TFConfigClusterResolver.fromVertexClusterSpec]) {
          const r = resolvesOrRefuses(() => parse(input));
          if (r) checkInvariants(r);
        }
        const env = resolvesOrRefuses(() => TFConfigClusterResolver.fromEnv({ TF_CONFIG: typeof input === 'string' ? input : JSON.stringify(input) }));
        if (env) checkInvariants(env);
        const simple = resolvesOrRefuses(() => new SimpleClusterResolver(input as never));
        if (simple) checkInvariants(simple);
        resolvesOrRefuses(() => makeTfConfig(input as never));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('never fail other than with InvalidConfigError on arbitrary jobs and tasks', () => {
    const jobValue = fc.oneof(
      fc.array(fc.oneof(fc.string(), fc.constantFrom('a:1', 'b:2', '[::1]:3', '10.0.0.1:4')), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string()),
      fc.anything(),
    );
    const name = fc.constantFrom('chief', 'master', 'worker', 'ps', 'evaluator', 'workerpool0', 'workerpool1', 'other');
    fc.assert(
      fc.property(
        fc.dictionary(name, jobValue),
        fc.record({ type: fc.oneof(name, fc.anything()), index: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.anything()) }),
        (cluster, task) => {
          const r = resolvesOrRefuses(() => TFConfigClusterResolver.fromObject({ cluster, task }));
          if (r) checkInvariants(r);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
