import { InvalidConfigError } from '../errors/invalid-config-error';
import { SimpleClusterResolver, type SimpleClusterResolverOptions } from './simple-cluster-resolver';
import { TFConfigClusterResolver } from './tf-config-cluster-resolver';

describe('SimpleClusterResolver', () => {
  it('places a task given in code exactly as the same TF_CONFIG', () => {
    const cluster = { chief: ['c:1'], worker: ['w0:1', 'w1:1'], ps: ['p:1'] };
    const r = new SimpleClusterResolver({ cluster, taskType: 'worker', taskIndex: 0, rpcLayer: 'grpc', environment: 'cloud' });
    const tf = TFConfigClusterResolver.fromObject({ cluster, task: { type: 'worker', index: 0 }, rpc_layer: 'grpc', environment: 'cloud' });
    expect(r).toMatchObject({ name: 'simple', source: 'code', rank: 1, worldSize: 3, isChief: false, rpcLayer: 'grpc', environment: 'cloud' });
    expect(r.toTfConfig()).toEqual(tf.toTfConfig());
    expect(r.rankAddresses).toEqual(tf.rankAddresses);
    expect(r.master()).toBe('grpc://w0:1');
    expect(r.numTasks('ps')).toBe(1);
    expect(r.addressOf('chief', 0)).toBe('c:1');
  });

  it('reads master as chief', () => {
    const r = new SimpleClusterResolver({ cluster: { master: ['m:1'] }, taskType: 'master', taskIndex: 0 });
    expect([r.taskType, r.isChief, r.worldSize]).toEqual(['chief', true, 1]);
  });

  it.each([
    ['no cluster', { taskType: 'worker', taskIndex: 0 }, 'cluster', /cluster is missing; expected an object such as/],
    ['a bad address', { cluster: { worker: ['w0'] }, taskType: 'worker', taskIndex: 0 }, 'cluster.worker[0]', /port after the host/],
    [
      'a task type not in the cluster',
      { cluster: { worker: ['w0:1'] }, taskType: 'ps', taskIndex: 0 },
      'taskType',
      /taskType is "ps"; expected a job that cluster lists/,
    ],
    [
      'an index out of range',
      { cluster: { worker: ['w0:1'] }, taskType: 'worker', taskIndex: 1 },
      'taskIndex',
      /taskIndex is 1; expected an index from 0 to 0/,
    ],
    ['rpcLayer not a string', { cluster: { worker: ['w0:1'] }, taskType: 'worker', taskIndex: 0, rpcLayer: 1 }, 'rpcLayer', /a string or nothing/],
  ])('refuses %s, naming the option', (_name, options, field, message) => {
    let error: unknown;
    try {
      new SimpleClusterResolver(options as unknown as SimpleClusterResolverOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).field).toBe(field);
    expect((error as InvalidConfigError).message).toMatch(/^SimpleClusterResolver options: /);
    expect((error as InvalidConfigError).message).toMatch(message);
  });
});
