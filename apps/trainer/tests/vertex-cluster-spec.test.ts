/**
 * Vertex AI custom training: each replica gets CLUSTER_SPEC (worker pools, not TF job
 * names); `syncline train --strategy multi-worker` reads it through
 * TFConfigClusterResolver.fromEnv, the same call that reads TF_CONFIG.
 */
import { InvalidConfigError, TFConfigClusterResolver } from '@syncline/core';

// The shape Vertex AI documents: workerpool0 = primary replica, workerpool1 = workers,
// workerpool2 = Reduction Server (no training rank), workerpool3 = evaluator.
const CLUSTER = {
  workerpool0: ['cmle-training-workerpool0-1f2e3d-0:2222'],
  workerpool1: ['cmle-training-workerpool1-1f2e3d-0:2222', 'cmle-training-workerpool1-1f2e3d-1:2222'],
  workerpool2: ['cmle-training-workerpool2-1f2e3d-0:2222'],
};
const TRAINING_ADDRESSES = [...CLUSTER.workerpool0, ...CLUSTER.workerpool1];

function clusterSpecEnv(type: keyof typeof CLUSTER, index: number): Record<string, string> {
  return { CLUSTER_SPEC: JSON.stringify({ cluster: CLUSTER, environment: 'cloud', task: { type, index, trial: '' }, job: { worker_pool_specs: [] } }) };
}

describe("Vertex AI's CLUSTER_SPEC through TFConfigClusterResolver.fromEnv", () => {
  it.each([
    ['workerpool0', 0, { rank: 0, taskType: 'chief', isChief: true }],
    ['workerpool1', 0, { rank: 1, taskType: 'worker', isChief: false }],
    ['workerpool1', 1, { rank: 2, taskType: 'worker', isChief: false }],
  ] as const)('places %s task %d', (pool, index, expected) => {
    const r = TFConfigClusterResolver.fromEnv(clusterSpecEnv(pool, index));
    expect({ rank: r.rank, taskType: r.taskType, isChief: r.isChief }).toEqual(expected);
    expect([r.source, r.worldSize, r.environment]).toEqual(['CLUSTER_SPEC', 3, 'cloud']);
    expect(r.rankAddresses).toEqual(TRAINING_ADDRESSES);
    expect(r.taskAddress).toBe(TRAINING_ADDRESSES[expected.rank]);
  });

  it('gives a Reduction Server replica (workerpool2) no training rank', () => {
    const r = TFConfigClusterResolver.fromEnv(clusterSpecEnv('workerpool2', 0));
    expect([r.rank, r.isTrainingTask, r.worldSize]).toEqual([-1, false, 3]);
  });

  it('prefers TF_CONFIG when Vertex sets both, and falls back to CLUSTER_SPEC when TF_CONFIG is blank', () => {
    const tfConfig = JSON.stringify({ cluster: { worker: ['a:1', 'b:1'] }, task: { type: 'worker', index: 1 } });
    expect(TFConfigClusterResolver.fromEnv({ ...clusterSpecEnv('workerpool0', 0), TF_CONFIG: tfConfig })).toMatchObject({
      source: 'TF_CONFIG',
      rank: 1,
      worldSize: 2,
    });
    expect(TFConfigClusterResolver.fromEnv({ ...clusterSpecEnv('workerpool1', 1), TF_CONFIG: '  ' })).toMatchObject({ source: 'CLUSTER_SPEC', rank: 2 });
  });

  it('hands the same placement to a child process as TF_CONFIG', () => {
    const vertex = TFConfigClusterResolver.fromEnv(clusterSpecEnv('workerpool1', 1));
    const child = TFConfigClusterResolver.fromEnv({ TF_CONFIG: JSON.stringify(vertex.toTfConfig()) });
    expect([child.rank, child.worldSize, child.rankAddresses]).toEqual([vertex.rank, vertex.worldSize, vertex.rankAddresses]);
  });

  it('names CLUSTER_SPEC and the field when the variable is malformed', () => {
    expect(() => TFConfigClusterResolver.fromEnv({ CLUSTER_SPEC: '{"cluster": {"workerpool1": ["h:1"]}, "task": {"type": "worker", "index": 0}}' })).toThrow(
      InvalidConfigError,
    );
    expect(() => TFConfigClusterResolver.fromEnv({ CLUSTER_SPEC: '{"cluster": {"workerpool1": ["h:1"]}, "task": {"type": "worker", "index": 0}}' })).toThrow(
      /^CLUSTER_SPEC: task\.type/,
    );
  });
});
