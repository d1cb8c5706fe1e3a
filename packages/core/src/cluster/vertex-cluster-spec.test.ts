import { InvalidConfigError } from '../errors/invalid-config-error';
import { TFConfigClusterResolver } from './tf-config-cluster-resolver';
import type { VertexClusterSpec } from './tf-config-types';

// The shape Vertex AI documents for a CustomJob with all four worker pools.
const VERTEX: VertexClusterSpec = {
  cluster: {
    workerpool0: ['cmle-training-workerpool0-ab6d829ba3-0:2222'],
    workerpool1: ['cmle-training-workerpool1-ab6d829ba3-0:2222', 'cmle-training-workerpool1-ab6d829ba3-1:2222'],
    workerpool2: ['cmle-training-workerpool2-ab6d829ba3-0:2222'],
    workerpool3: ['cmle-training-workerpool3-ab6d829ba3-0:2222'],
  },
  environment: 'cloud',
  task: { type: 'workerpool1', index: 1, trial: 'TRIAL_ID' },
  job: { worker_pool_specs: [{ machine_spec: { machine_type: 'n1-standard-4' }, replica_count: '1' }] },
};

describe('TFConfigClusterResolver.fromVertexClusterSpec', () => {
  it('maps workerpool0..3 to chief, worker, ps, evaluator', () => {
    const r = TFConfigClusterResolver.fromVertexClusterSpec(VERTEX);
    expect(r).toMatchObject({
      source: 'CLUSTER_SPEC',
      taskType: 'worker',
      taskIndex: 1,
      rank: 2,
      worldSize: 3,
      isChief: false,
      trial: 'TRIAL_ID',
      environment: 'cloud',
    });
    expect(r.clusterSpec()).toEqual({
      chief: VERTEX.cluster.workerpool0,
      worker: VERTEX.cluster.workerpool1,
      ps: VERTEX.cluster.workerpool2,
      evaluator: VERTEX.cluster.workerpool3,
    });
    expect(r.job).toEqual(VERTEX.job);
  });

  it.each([
    ['workerpool0', 0, { taskType: 'chief', rank: 0, isChief: true, isEvaluator: false }],
    ['workerpool2', 0, { taskType: 'ps', rank: -1, isChief: false, isEvaluator: false }],
    ['workerpool3', 0, { taskType: 'evaluator', rank: -1, isChief: false, isEvaluator: true }],
  ] as const)('places a %s task', (type, index, expected) => {
    expect(TFConfigClusterResolver.fromVertexClusterSpec({ ...VERTEX, task: { type, index } })).toMatchObject(expected);
  });

  it('reads a single-replica job', () => {
    const r = TFConfigClusterResolver.fromVertexClusterSpec(
      JSON.stringify({ cluster: { workerpool0: ['host:2222'] }, task: { type: 'workerpool0', index: 0 } }),
    );
    expect([r.rank, r.worldSize, r.isChief]).toEqual([0, 1, true]);
  });

  it('resolves the same ranks as the equivalent TF_CONFIG', () => {
    for (const [type, tfType] of [
      ['workerpool0', 'chief'],
      ['workerpool1', 'worker'],
    ] as const) {
      const vertex = TFConfigClusterResolver.fromVertexClusterSpec({ ...VERTEX, task: { type, index: 0 } });
      const tf = TFConfigClusterResolver.fromObject(vertex.toTfConfig());
      expect(tf.toTfConfig()).toEqual(vertex.toTfConfig());
      expect([tf.rank, tf.taskType]).toEqual([vertex.rank, tfType]);
    }
  });

  it.each([
    [
      'TF names in CLUSTER_SPEC',
      { cluster: { worker: ['a:1'] }, task: { type: 'worker', index: 0 } },
      'cluster.worker',
      /a job named "workerpool0" \(chief\), "workerpool1" \(worker\)/,
    ],
    [
      'two primary replicas',
      { cluster: { workerpool0: ['a:1', 'b:1'] }, task: { type: 'workerpool0', index: 0 } },
      'cluster.workerpool0',
      /at most one chief address \(found 2\): list the other training processes under "workerpool1"/,
    ],
    [
      'task type not a pool',
      { cluster: { workerpool0: ['a:1'] }, task: { type: 'chief', index: 0 } },
      'task.type',
      /one of "workerpool0", "workerpool1", "workerpool2" or "workerpool3"/,
    ],
    [
      'reduction servers only',
      { cluster: { workerpool2: ['a:1'] }, task: { type: 'workerpool2', index: 0 } },
      'cluster',
      /under "workerpool0" or "workerpool1".*only "workerpool2"/,
    ],
    ['sparseCluster is not read', { sparseCluster: { worker: { '0': 'a:1' } }, task: { type: 'workerpool0', index: 0 } }, 'cluster', /cluster is missing/],
  ])('%s', (_name, spec, field, message) => {
    let error: unknown;
    try {
      TFConfigClusterResolver.fromVertexClusterSpec(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).field).toBe(field);
    expect((error as InvalidConfigError).message).toMatch(/^CLUSTER_SPEC: /);
    expect((error as InvalidConfigError).message).toMatch(message);
  });
});
