import { TFConfigClusterResolver } from './tf-config-cluster-resolver';

const KUBEFLOW_WORKER_1 = {
  cluster: {
    chief: ['mnist-chief-0.kubeflow.svc:2222'],
    worker: ['mnist-worker-0.kubeflow.svc:2222', 'mnist-worker-1.kubeflow.svc:2222'],
    ps: null,
    evaluator: ['mnist-evaluator-0.kubeflow.svc:2222'],
  },
  task: { type: 'worker', index: 1 },
  environment: 'cloud',
};

describe('TFConfigClusterResolver.fromObject', () => {
  it('places a Kubeflow TFJob worker: chief first, then workers', () => {
    const r = TFConfigClusterResolver.fromObject(KUBEFLOW_WORKER_1);
    expect(r).toMatchObject({
      name: 'tf-config',
      source: 'TF_CONFIG',
      taskType: 'worker',
      taskIndex: 1,
      rank: 2,
      worldSize: 3,
      isChief: false,
      isEvaluator: false,
      isLocal: false,
      environment: 'cloud',
      rpcLayer: undefined,
      taskAddress: 'mnist-worker-1.kubeflow.svc:2222',
    });
    expect(r.rankAddresses).toEqual(['mnist-chief-0.kubeflow.svc:2222', 'mnist-worker-0.kubeflow.svc:2222', 'mnist-worker-1.kubeflow.svc:2222']);
    expect(r.clusterSpec()).toEqual({
      chief: ['mnist-chief-0.kubeflow.svc:2222'],
      worker: ['mnist-worker-0.kubeflow.svc:2222', 'mnist-worker-1.kubeflow.svc:2222'],
      evaluator: ['mnist-evaluator-0.kubeflow.svc:2222'],
    });
    expect(r.peers().map((p) => p.rank)).toEqual([0, 1]);
    expect(r.describe()).toBe(
      'worker 1 (from TF_CONFIG): rank 2 of 3, at mnist-worker-1.kubeflow.svc:2222; training peers: ' +
        '0=mnist-chief-0.kubeflow.svc:2222 1=mnist-worker-0.kubeflow.svc:2222',
    );
  });

  it('makes the chief rank 0 and the evaluator a non-training task', () => {
    const chief = TFConfigClusterResolver.fromObject({ ...KUBEFLOW_WORKER_1, task: { type: 'chief', index: 0 } });
    expect([chief.rank, chief.isChief, chief.isTrainingTask]).toEqual([0, true, true]);
    const evaluator = TFConfigClusterResolver.fromObject({ ...KUBEFLOW_WORKER_1, task: { type: 'evaluator', index: 0 } });
    expect([evaluator.rank, evaluator.isChief, evaluator.isEvaluator, evaluator.worldSize]).toEqual([-1, false, true, 3]);
    expect(evaluator.describe()).toMatch(/not a training task \(evaluator\), 3 training tasks/);
  });

  it('makes worker 0 the chief when there is no chief, and a ps task rank -1', () => {
    const cluster = { worker: ['a:1', 'b:1'], ps: ['p:1'] };
    const w0 = TFConfigClusterResolver.fromObject({ cluster, task: { type: 'worker', index: 0 } });
    expect([w0.rank, w0.worldSize, w0.isChief]).toEqual([0, 2, true]);
    const ps = TFConfigClusterResolver.fromObject({ cluster, task: { type: 'ps', index: 0 } });
    expect([ps.rank, ps.isChief, ps.isTrainingTask, ps.taskAddress]).toEqual([-1, false, false, 'p:1']);
  });

  it('reads AI Platform TF_CONFIG: legacy master as chief, extra keys tolerated and kept', () => {
    const r = TFConfigClusterResolver.fromObject({
      cluster: { master: ['master-0:2222'], worker: ['worker-0:2222'] },
      task: { type: 'master', index: 0, cloud: 'w5aa-ml', trial: '3' },
      environment: 'cloud',
      job: { args: ['--epochs', '2'], job_name: 'trainer' },
      cloud: 'w5aa-ml',
      rpc_layer: 'grpc',
    });
    expect([r.taskType, r.rank, r.isChief, r.trial, r.rpcLayer]).toEqual(['chief', 0, true, '3', 'grpc']);
    expect(r.clusterSpec()).toEqual({ chief: ['master-0:2222'], worker: ['worker-0:2222'] });
    expect(r.job).toEqual({ args: ['--epochs', '2'], job_name: 'trainer' });
    expect(r.master()).toBe('grpc://master-0:2222');
    expect(r.master('worker', 0, '')).toBe('worker-0:2222');
    expect(r.master('worker', 5)).toBe('');
    expect(r.toTfConfig()).toEqual({
      cluster: { chief: ['master-0:2222'], worker: ['worker-0:2222'] },
      task: { type: 'chief', index: 0, trial: '3' },
      rpc_layer: 'grpc',
      environment: 'cloud',
    });
  });

  it('accepts the index as a decimal string, as TensorFlow int()s it', () => {
    const r = TFConfigClusterResolver.fromObject({ cluster: { worker: ['a:1', 'b:1'] }, task: { type: 'worker', index: '1' } });
    expect(r.taskIndex).toBe(1);
  });

  it('reads the same config from JSON text and from the object', () => {
    const fromText = TFConfigClusterResolver.fromJson(JSON.stringify(KUBEFLOW_WORKER_1));
    const fromObject = TFConfigClusterResolver.fromObject(KUBEFLOW_WORKER_1);
    expect(fromText.toTfConfig()).toEqual(fromObject.toTfConfig());
    expect(TFConfigClusterResolver.fromObject(JSON.stringify(KUBEFLOW_WORKER_1)).rank).toBe(2);
  });

  it("reads Kubeflow's sparseCluster when it lists every index, and ignores the order of keys", () => {
    const r = TFConfigClusterResolver.fromObject({
      sparseCluster: { worker: { '1': 'w1:2222', '0': 'w0:2222' }, ps: [] },
      task: { type: 'worker', index: 1 },
    });
    expect([r.rank, r.worldSize]).toEqual([1, 2]);
    expect(r.rankAddresses).toEqual(['w0:2222', 'w1:2222']);
  });

  it('accepts a sparseCluster beside cluster when they agree', () => {
    const r = TFConfigClusterResolver.fromObject({
      cluster: { worker: ['w0:1', 'w1:1'] },
      sparseCluster: { worker: { '1': 'w1:1' } },
      task: { type: 'worker', index: 1 },
    });
    expect(r.rank).toBe(1);
  });

  it('reads an evaluator that the cluster does not list, as TensorFlow allows', () => {
    const r = TFConfigClusterResolver.fromObject({ cluster: { worker: ['w0:1'] }, task: { type: 'evaluator', index: 0 } });
    expect([r.isEvaluator, r.rank, r.taskAddress, r.worldSize]).toEqual([true, -1, undefined, 1]);
    expect(TFConfigClusterResolver.fromObject(r.toTfConfig()).isEvaluator).toBe(true);
  });

  it('treats {} as a single machine, as TensorFlow does', () => {
    const r = TFConfigClusterResolver.fromObject({ environment: 'cloud' });
    expect([r.isLocal, r.rank, r.worldSize, r.isChief, r.environment]).toEqual([true, 0, 1, true, 'cloud']);
  });

  it('returns a frozen cluster spec', () => {
    const r = TFConfigClusterResolver.fromObject(KUBEFLOW_WORKER_1);
    expect(Object.isFrozen(r.clusterSpec())).toBe(true);
    expect(Object.isFrozen(r.clusterSpec().worker)).toBe(true);
    expect(Object.isFrozen(r.rankAddresses)).toBe(true);
  });
});

describe('TFConfigClusterResolver.fromEnv', () => {
  const TF = JSON.stringify({ cluster: { worker: ['a:1', 'b:1'] }, task: { type: 'worker', index: 1 } });
  const VERTEX = JSON.stringify({ cluster: { workerpool0: ['c:1'], workerpool1: ['d:1'] }, task: { type: 'workerpool1', index: 0 } });

  it('prefers TF_CONFIG over CLUSTER_SPEC', () => {
    const r = TFConfigClusterResolver.fromEnv({ TF_CONFIG: TF, CLUSTER_SPEC: VERTEX });
    expect([r.source, r.rank, r.taskAddress]).toEqual(['TF_CONFIG', 1, 'b:1']);
  });

  it('falls back to CLUSTER_SPEC when TF_CONFIG is unset or blank', () => {
    for (const env of [{ CLUSTER_SPEC: VERTEX }, { TF_CONFIG: '  ', CLUSTER_SPEC: VERTEX }]) {
      const r = TFConfigClusterResolver.fromEnv(env);
      expect([r.source, r.taskType, r.rank, r.taskAddress]).toEqual(['CLUSTER_SPEC', 'worker', 1, 'd:1']);
    }
  });

  it('is a single machine when neither is set', () => {
    const r = TFConfigClusterResolver.fromEnv({ CLUSTER_SPEC: '' });
    expect(r).toMatchObject({
      source: 'local',
      isLocal: true,
      taskType: 'worker',
      taskIndex: 0,
      rank: 0,
      worldSize: 1,
      isChief: true,
      isEvaluator: false,
      taskAddress: undefined,
    });
    expect(r.rankAddresses).toEqual([]);
    expect(r.clusterSpec()).toEqual({});
    expect(r.toTfConfig()).toEqual({});
    expect(r.describe()).toMatch(/single machine/);
  });

  it('reads process.env by default', () => {
    const saved = { TF_CONFIG: process.env.TF_CONFIG, CLUSTER_SPEC: process.env.CLUSTER_SPEC };
    try {
      process.env.TF_CONFIG = TF;
      delete process.env.CLUSTER_SPEC;
      expect(TFConfigClusterResolver.fromEnv().rank).toBe(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('names the variable in errors', () => {
    expect(() => TFConfigClusterResolver.fromEnv({ TF_CONFIG: '{oops' })).toThrow(/^TF_CONFIG: \(root\) is "\{oops"; expected valid JSON/);
    expect(() => TFConfigClusterResolver.fromEnv({ CLUSTER_SPEC: '[]' })).toThrow(/^CLUSTER_SPEC: \(root\) is \[\]; expected a JSON object/);
  });
});
