import { InvalidConfigError } from '../errors/invalid-config-error';
import { makeTfConfig, type MakeTfConfigOptions } from './make-tf-config';
import { TFConfigClusterResolver } from './tf-config-cluster-resolver';

describe('makeTfConfig', () => {
  it('gives rank r worker r on basePort + r', () => {
    const configs = makeTfConfig({ workers: 3, hostIp: '127.0.0.1', basePort: 20000 });
    expect(configs[1]).toEqual({ cluster: { worker: ['127.0.0.1:20000', '127.0.0.1:20001', '127.0.0.1:20002'] }, task: { type: 'worker', index: 1 } });
    configs.forEach((c, rank) => {
      const r = TFConfigClusterResolver.fromEnv({ TF_CONFIG: JSON.stringify(c) });
      expect([r.rank, r.worldSize, r.isChief, r.taskAddress]).toEqual([rank, 3, rank === 0, `127.0.0.1:${20000 + rank}`]);
    });
  });

  it('makes rank 0 the chief when asked', () => {
    const configs = makeTfConfig({ workers: 3, hostIp: 'localhost', basePort: 2222, chief: true, rpcLayer: 'grpc' });
    expect(configs.map((c) => c.task)).toEqual([
      { type: 'chief', index: 0 },
      { type: 'worker', index: 0 },
      { type: 'worker', index: 1 },
    ]);
    expect(configs[0]!.cluster).toEqual({ chief: ['localhost:2222'], worker: ['localhost:2223', 'localhost:2224'] });
    expect(configs.map((c) => TFConfigClusterResolver.fromObject(c).rank)).toEqual([0, 1, 2]);
    expect(configs[2]!.rpc_layer).toBe('grpc');
  });

  it('brackets an IPv6 host and gives every rank its own copy', () => {
    const configs = makeTfConfig({ workers: 2, hostIp: '::1', basePort: 65534 });
    expect(configs[0]!.cluster!.worker).toEqual(['[::1]:65534', '[::1]:65535']);
    expect(configs[0]!.cluster!.worker).not.toBe(configs[1]!.cluster!.worker);
    expect(makeTfConfig({ workers: 1, hostIp: '[fd00::7]', basePort: 1 })[0]!.cluster!.worker).toEqual(['[fd00::7]:1']);
  });

  it.each([
    ['workers 0', { workers: 0, hostIp: '127.0.0.1', basePort: 1 }, 'workers', /an integer >= 1/],
    ['workers 1.5', { workers: 1.5, hostIp: '127.0.0.1', basePort: 1 }, 'workers', /an integer >= 1/],
    ['ports past 65535', { workers: 3, hostIp: '127.0.0.1', basePort: 65534 }, 'basePort', /from 1 to 65533, so that 3 consecutive ports fit/],
    ['port 0', { workers: 1, hostIp: '127.0.0.1', basePort: 0 }, 'basePort', /from 1 to 65535/],
    ['bad host', { workers: 1, hostIp: '300.1.1.1', basePort: 1 }, 'hostIp', /dotted IPv4/],
    ['host not a string', { workers: 1, hostIp: 7, basePort: 1 }, 'hostIp', /a hostname, IPv4 or IPv6 address/],
    ['chief not a boolean', { workers: 1, hostIp: 'h', basePort: 1, chief: 'yes' }, 'chief', /true, false or nothing/],
  ])('refuses %s', (_name, options, field, message) => {
    let error: unknown;
    try {
      makeTfConfig(options as unknown as MakeTfConfigOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).field).toBe(field);
    expect((error as InvalidConfigError).message).toMatch(/^makeTfConfig options: /);
    expect((error as InvalidConfigError).message).toMatch(message);
  });
});
