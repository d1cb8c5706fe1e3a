import { InvalidConfigError } from '../errors/invalid-config-error';
import { isSynclineError } from '../errors/syncline-error';
import { TFConfigClusterResolver } from './tf-config-cluster-resolver';

/** Runs `fn`, expects an InvalidConfigError, and returns it. */
function fault(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (e) {
    expect(isSynclineError(e)).toBe(true);
    expect(e).toBeInstanceOf(InvalidConfigError);
    return e as InvalidConfigError;
  }
  throw new Error('expected an InvalidConfigError');
}

const W2 = { worker: ['w0:2222', 'w1:2222'] };
const task = (type: unknown, index: unknown = 0): { type: unknown; index: unknown } => ({ type, index });

// [case, TF_CONFIG (object or text), field, message pattern]
const CASES: [string, unknown, string, RegExp][] = [
  ['not JSON', '{"cluster": ', '(root)', /^TF_CONFIG: \(root\) is "\{\\"cluster\\": "; expected valid JSON .*JSON\.parse: /],
  ['blank text', '   ', '(root)', /expected JSON text .*leave TF_CONFIG unset for a single machine/],
  ['JSON that is not an object', '[1, 2]', '(root)', /\(root\) is \[1,2\]; expected a JSON object .* not an array/],
  ['a number', 7, '(root)', /not a number/],
  ['null', null, '(root)', /not null/],
  ['task without cluster', { task: task('worker') }, 'cluster', /^TF_CONFIG: cluster is missing; expected an object listing every task's "host:port"/],
  [
    'cluster without task',
    { cluster: W2 },
    'task',
    /^TF_CONFIG: task is missing; expected an object naming this process, such as \{"type": "worker", "index": 0\}/,
  ],
  ['cluster is a list', { cluster: ['w0:1'], task: task('worker') }, 'cluster', /expected an object from job name .* not an array/],
  ['task is a string', { cluster: W2, task: 'worker' }, 'task', /expected an object such as .* not a string/],
  ['empty cluster', { cluster: {}, task: task('worker') }, 'cluster', /expected at least one task/],
  ['only empty jobs', { cluster: { worker: [], ps: null }, task: task('worker') }, 'cluster', /expected at least one task/],
  [
    'unknown job in cluster',
    { cluster: { workers: ['w0:1'] }, task: task('worker') },
    'cluster.workers',
    /a job named "chief", "master" \(chief\), "worker", "ps" or "evaluator"; there is no job "workers", did you mean "worker"\?/,
  ],
  ['odd job name', { cluster: { 'my job': ['w0:1'] }, task: task('worker') }, 'cluster["my job"]', /there is no job "my job"$/],
  ['job is a string', { cluster: { worker: 'w0:1' }, task: task('worker') }, 'cluster.worker', /a list of "host:port" addresses .* not a string/],
  ['address not a string', { cluster: { worker: ['w0:1', 2222] }, task: task('worker') }, 'cluster.worker[1]', /is 2222; expected a "host:port" string/],
  ['address without port', { cluster: { worker: ['w0'] }, task: task('worker') }, 'cluster.worker[0]', /is "w0"; expected a port after the host, as "w0:2222"/],
  ['port out of range', { cluster: { worker: ['w0:70000'] }, task: task('worker') }, 'cluster.worker[0]', /port from 1 to 65535/],
  ['bad IPv4', { cluster: { worker: ['10.0.0.256:1'] }, task: task('worker') }, 'cluster.worker[0]', /dotted IPv4/],
  ['bare IPv6', { cluster: { worker: ['fd00::1:2222'] }, task: task('worker') }, 'cluster.worker[0]', /in brackets/],
  ['scheme', { cluster: { worker: ['grpc://w0:1'] }, task: task('worker') }, 'cluster.worker[0]', /rpc_layer/],
  [
    'duplicate address',
    { cluster: { chief: ['h:1'], worker: ['h:2', 'H:1'] }, task: task('worker') },
    'cluster.worker[1]',
    /is "H:1"; expected an address no other task uses \(cluster\.chief\[0\] is the same host:port\)/,
  ],
  ['duplicate IPv6', { cluster: { worker: ['[::1]:5', '[0::1]:5'] }, task: task('worker') }, 'cluster.worker[1]', /cluster\.worker\[0\] is the same/],
  [
    'two chiefs',
    { cluster: { chief: ['c0:1', 'c1:1'], worker: ['w:1'] }, task: task('chief') },
    'cluster.chief',
    /at most one chief address \(found 2\): list the other training processes under "worker"/,
  ],
  ['two evaluators', { cluster: { worker: ['w:1'], evaluator: ['e0:1', 'e1:1'] }, task: task('worker') }, 'cluster.evaluator', /at most one evaluator/],
  ['chief and master both', { cluster: { chief: ['c:1'], master: ['m:1'] }, task: task('chief') }, 'cluster.master', /either "chief" or "master", not both/],
  ['ps-only cluster', { cluster: { ps: ['p0:1', 'p1:1'] }, task: task('ps') }, 'cluster', /at least one training task .* only "ps".*no parameter servers/],
  ['evaluator-only cluster', { cluster: { evaluator: ['e:1'] }, task: task('evaluator') }, 'cluster', /at least one training task/],
  ['task type missing', { cluster: W2, task: { index: 0 } }, 'task.type', /task\.type is missing; expected a job name string/],
  ['unknown task type', { cluster: W2, task: task('trainer') }, 'task.type', /is "trainer"; expected one of "chief", "master", "worker", "ps" or "evaluator"/],
  ['task type in capitals', { cluster: W2, task: task('Worker') }, 'task.type', /\(job names are lower case\)/],
  ['task type typo', { cluster: W2, task: task('wroker') }, 'task.type', /did you mean "worker"/],
  [
    'task type not in cluster',
    { cluster: W2, task: task('chief') },
    'task.type',
    /is "chief"; expected a job that cluster lists \(it has "worker"\): add "chief" to cluster or fix the task type/,
  ],
  [
    'task says master, cluster says chief',
    { cluster: { chief: ['c:1'] }, task: task('master') },
    'task.type',
    /expected "chief", the name cluster uses for the chief/,
  ],
  ['index missing', { cluster: W2, task: { type: 'worker' } }, 'task.index', /task\.index is missing; expected a non-negative integer task index/],
  ['index a fraction', { cluster: W2, task: task('worker', 0.5) }, 'task.index', /not a fraction/],
  ['index negative', { cluster: W2, task: task('worker', -1) }, 'task.index', /not a negative number/],
  ['index a word', { cluster: W2, task: task('worker', 'one') }, 'task.index', /not a string other than plain decimal digits/],
  ['index a boolean', { cluster: W2, task: task('worker', true) }, 'task.index', /not a boolean/],
  ['index out of range', { cluster: W2, task: task('worker', 2) }, 'task.index', /is 2; expected an index from 0 to 1: cluster\.worker lists 2 tasks/],
  ['index into an empty job', { cluster: { chief: ['c:1'], worker: [] }, task: task('worker', 0) }, 'task.index', /no index at all: cluster\.worker is empty/],
  ['evaluator absent with index 1', { cluster: W2, task: task('evaluator', 1) }, 'task.index', /0: there is at most one evaluator/],
  [
    'sparse job with a gap',
    { sparseCluster: { worker: { '1': 'w1:1' }, ps: ['p:1'] }, task: task('worker', 1) },
    'sparseCluster.worker',
    /every task index from 0 to 1 \(missing 0\).*enableDynamicWorker/,
  ],
  ['sparse key not an index', { sparseCluster: { worker: { first: 'w1:1' } }, task: task('worker') }, 'sparseCluster.worker["first"]', /a task index key/],
  [
    'sparse disagrees with cluster',
    { cluster: W2, sparseCluster: { worker: { '1': 'w9:2222' } }, task: task('worker') },
    'sparseCluster.worker["1"]',
    /the same address as cluster \(which has "w1:2222"\)/,
  ],
  ['rpc_layer not a string', { cluster: W2, task: task('worker'), rpc_layer: 5 }, 'rpc_layer', /a protocol name string/],
  ['environment not a string', { cluster: W2, task: task('worker'), environment: {} }, 'environment', /not an object/],
];

describe('TFConfigClusterResolver errors', () => {
  it.each(CASES)('%s', (_name, config, field, message) => {
    const e = fault(() => TFConfigClusterResolver.fromObject(config));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.retryable).toBe(false);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith('TF_CONFIG: ')).toBe(true);
  });

  it('gives each case its own message', () => {
    const messages = CASES.map(([, config]) => fault(() => TFConfigClusterResolver.fromObject(config)).message);
    expect(new Set(messages).size).toBe(CASES.length);
  });

  it('keeps the JSON.parse error as the cause', () => {
    const e = fault(() => TFConfigClusterResolver.fromJson('{'));
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it('prints values JSON cannot print without throwing', () => {
    const e = fault(() => TFConfigClusterResolver.fromObject({ cluster: { worker: [10n] }, task: task('worker') }));
    expect(e.message).toMatch(/cluster\.worker\[0\] is "<a bigint>"/);
  });

  it('ignores inherited properties', () => {
    const config = Object.create({ cluster: W2, task: task('worker') }) as object;
    expect(TFConfigClusterResolver.fromObject(config).isLocal).toBe(true);
  });
});
