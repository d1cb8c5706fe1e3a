// The PJRT binding against the real XLA CPU plugin: version check, client with 2 devices,
// compile, host<->device transfers, a replicated execute with an exact all_reduce, and errors.
import { BackendError, InvalidConfigError, isSynclineError } from '@syncline/core';
import { liveBufferCount } from '../src/pjrt/buffer';
import { PjrtClient } from '../src/pjrt/client';
import { pendingEventCount } from '../src/pjrt/event';
import { loadPjrtPlugin } from '../src/pjrt/load-plugin';
import { describeWithPlugin, plugin } from './plugin';

const DEVICES = 2;
const ADD_AND_SUM = `
module @add_and_sum {
  func.func public @main(%a: tensor<6xf32>, %b: tensor<6xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
    %0 = stablehlo.add %a, %b : tensor<6xf32>
    %1 = "stablehlo.all_reduce"(%0) ({
      ^bb0(%x: tensor<f32>, %y: tensor<f32>):
        %s = stablehlo.add %x, %y : tensor<f32>
        stablehlo.return %s : tensor<f32>
    }) {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>} : (tensor<6xf32>) -> tensor<6xf32>
    return %0, %1 : tensor<6xf32>, tensor<6xf32>
  }
}`;

describeWithPlugin('PJRT binding (XLA CPU plugin)', () => {
  let client: PjrtClient;
  beforeAll(() => {
    const api = loadPjrtPlugin(plugin.path!);
    client = PjrtClient.create(api, { cpu_device_count: DEVICES });
  });
  afterAll(() => client?.destroy());

  it('loads a plugin of a supported API version and sees the requested CPU devices', () => {
    const api = loadPjrtPlugin(plugin.path!);
    expect(api.info.major).toBe(0);
    expect(api.info.minor).toBeGreaterThanOrEqual(75);
    expect(client.platformName).toBe('cpu');
    expect(client.devices.map((d) => d.id)).toEqual([0, 1]);
  });

  it('round-trips host data and runs a replicated add with an exact cross-device all_reduce', async () => {
    const exe = client.compile(ADD_AND_SUM, { numReplicas: DEVICES });
    expect(exe.numOutputs).toBe(2);
    // Integer-valued data larger than 2^24 / 4 would lose exactness; keep it small and varied.
    const a = [new Float32Array([1, -2, 3, 1000, 65535, -7]), new Float32Array([5, 6, -7, 8, 1, 123456])];
    const b = new Float32Array([10, 20, 30, 40, 50, 60]);
    const args = client.devices.map((d, i) => [client.bufferFromHost(a[i]!, [6], d), client.bufferFromHost(b, [6], d)]);
    expect(args[0]![0]!.dims()).toEqual([6]);
    expect(Array.from(await args[1]![0]!.toHost(new Float32Array(6)))).toEqual(Array.from(a[1]!));
    const outs = await exe.execute(args);
    const sum = a[0]!.map((v, j) => v + b[j]! + a[1]![j]! + b[j]!);
    for (let d = 0; d < DEVICES; d++) {
      const local = await outs[d]![0]!.toHost(new Float32Array(6));
      expect(Array.from(local)).toEqual(Array.from(a[d]!.map((v, j) => v + b[j]!)));
      expect(Array.from(await outs[d]![1]!.toHost(new Float32Array(6)))).toEqual(Array.from(sum));
    }
    for (const list of [...args, ...outs]) for (const buf of list) buf.destroy();
    exe.destroy();
    expect(pendingEventCount()).toBe(0);
  });

  it('turns a PJRT_Error into a BackendError with the PJRT code and message', () => {
    let caught: unknown;
    try {
      client.compile('module { this is not stablehlo }', { numReplicas: DEVICES });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackendError);
    expect(isSynclineError(caught)).toBe(true);
    const err = caught as BackendError;
    // The CPU plugin reports MLIR parse failures as UNKNOWN; the code is the plugin's own.
    expect(err.detailCode).toBe('UNKNOWN');
    expect(err.message).toMatch(/PJRT_Client_Compile failed \(UNKNOWN\): .*custom op .this. is unknown/s);
  });

  it('maps PJRT error codes by name (INVALID_ARGUMENT from a wrong argument count)', async () => {
    const exe = client.compile(ADD_AND_SUM, { numReplicas: DEVICES });
    const one = client.devices.map((d) => [client.bufferFromHost(new Float32Array(6), [6], d)]);
    await expect(exe.execute(one)).rejects.toMatchObject({ name: 'BackendError', detailCode: 'INVALID_ARGUMENT' });
    for (const list of one) for (const buf of list) buf.destroy();
    exe.destroy();
  });

  it('refuses a missing plugin file with an InvalidConfigError naming the path', () => {
    expect(() => loadPjrtPlugin('/nonexistent/libtpu.so')).toThrow(InvalidConfigError);
    expect(() => loadPjrtPlugin('/nonexistent/libtpu.so')).toThrow(/\/nonexistent\/libtpu\.so/);
  });

  it('destroys every buffer it created', () => {
    expect(liveBufferCount()).toBe(0);
  });
});
