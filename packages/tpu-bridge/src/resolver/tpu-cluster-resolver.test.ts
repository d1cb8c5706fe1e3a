// TPUClusterResolver from options, the TPU VM environment and a fake GCE metadata server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSynclineError } from '@syncline/core';
import { parseAcceleratorType } from './accelerator-type';
import { TPUClusterResolver } from './tpu-cluster-resolver';

function fakeMetadata(attrs: Record<string, string>, flavor = true): Promise<{ server: Server; host: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.headers['metadata-flavor']} ${req.url}`);
    const key = (req.url ?? '').replace('/computeMetadata/v1/instance/attributes/', '');
    if (flavor) res.setHeader('Metadata-Flavor', 'Google');
    if (req.headers['metadata-flavor'] !== 'Google' || !(key in attrs)) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.end(attrs[key]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

describe('parseAcceleratorType', () => {
  it('counts cores for v2-v4/v5p and chips for v5e/v6e', () => {
    expect(parseAcceleratorType('v4-8')).toMatchObject({ chips: 4, coresPerChip: 2, defaultChipsPerHost: 4 });
    expect(parseAcceleratorType('v5litepod-16')).toMatchObject({ generation: 'v5e', chips: 16, coresPerChip: 1, defaultChipsPerHost: 4 });
    expect(parseAcceleratorType('v6e-8')).toMatchObject({ chips: 8, defaultChipsPerHost: 8 });
    expect(() => parseAcceleratorType('h100-8')).toThrow(/acceleratorType is "h100-8"; expected a Cloud TPU type/);
  });
});

describe('TPUClusterResolver', () => {
  it('resolves explicit options without touching the environment or the network', async () => {
    const r = await TPUClusterResolver.resolve({
      acceleratorType: 'v4-32',
      workerId: 2,
      workerHostnames: ['a', 'b', 'c', 'd'],
      hostBounds: '1,1,4',
      env: {},
      metadata: false,
      pluginPath: '/opt/libtpu.so',
    });
    expect(r.topology).toMatchObject({ hosts: 4, chips: 16, cores: 32, chipsPerHost: 4, mesh: [2, 2, 4] });
    expect(r.rank).toBe(2);
    expect(r.worldSize).toBe(4);
    expect(r.isChief).toBe(false);
    expect(r.clusterSpec()).toEqual({ worker: ['a:8470', 'b:8470', 'c:8470', 'd:8470'] });
    expect(r.localDevices).toBe(4);
    expect(r.requirePluginPath()).toBe('/opt/libtpu.so');
  });

  it('reads the TPU VM environment, plugin path from TPU_LIBRARY_PATH then PJRT_PLUGIN_LIBRARY_PATH', async () => {
    const env = {
      TPU_NAME: 'my-tpu',
      TPU_ACCELERATOR_TYPE: 'v5litepod-16',
      TPU_WORKER_ID: '1',
      TPU_WORKER_HOSTNAMES: 'h0,h1,h2,h3',
      TPU_CHIPS_PER_HOST_BOUNDS: '2,2,1',
      TPU_HOST_BOUNDS: '2,2,1',
      PJRT_PLUGIN_LIBRARY_PATH: '/p/libtpu.so',
    };
    const r = await TPUClusterResolver.resolve({ env });
    expect(r.tpu).toBe('my-tpu');
    expect(r.topology).toMatchObject({ hosts: 4, chips: 16, cores: 16, mesh: [4, 4, 1] });
    expect(r.taskIndex).toBe(1);
    expect(r.pluginPath).toBe('/p/libtpu.so');
    const r2 = await TPUClusterResolver.resolve({ env: { ...env, TPU_LIBRARY_PATH: '/t/libtpu.so' } });
    expect(r2.pluginPath).toBe('/t/libtpu.so');
  });

  it('rejects bounds that disagree with the accelerator type, naming both', async () => {
    await expect(TPUClusterResolver.resolve({ env: { TPU_ACCELERATOR_TYPE: 'v4-8', TPU_HOST_BOUNDS: '1,1,2' } })).rejects.toThrow(
      /4 per host x 2 hosts = 8.*v4-8 \(4 chips\)/,
    );
    await expect(TPUClusterResolver.resolve({ env: { TPU_ACCELERATOR_TYPE: 'v4-16', TPU_WORKER_HOSTNAMES: 'only-one' } })).rejects.toThrow(
      /workerHostnames .* expected 2 hostnames/,
    );
  });

  it('asks the metadata server (with Metadata-Flavor: Google) when the environment has no TPU facts', async () => {
    const { server, host, seen } = await fakeMetadata({
      'accelerator-type': 'v4-16',
      'agent-worker-number': '1',
      'worker-network-endpoints': 'w0:x:10.0.0.2,w1:x:10.0.0.3',
      'tpu-env': "ACCELERATOR_TYPE: 'v4-16'\nCHIPS_PER_HOST_BOUNDS: '2,2,1'\nHOST_BOUNDS: '1,1,2'\n",
    });
    try {
      const r = await TPUClusterResolver.resolve({ env: {}, metadata: { host, timeoutMs: 2000 } });
      expect(r.topology).toMatchObject({ acceleratorType: 'v4-16', hosts: 2, chips: 8, mesh: [2, 2, 2] });
      expect(r.rank).toBe(1);
      expect(r.rankAddresses).toEqual(['10.0.0.2:8470', '10.0.0.3:8470']);
      expect(r.pluginPath).toBeNull();
      expect(() => r.requirePluginPath()).toThrow(/TPU_LIBRARY_PATH/);
      expect(seen.every((s) => s.startsWith('Google '))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('says clearly it is not on a TPU when the metadata server is absent, within the short timeout', async () => {
    // A listening socket that never answers: the timeout, not a hang, ends the lookup.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const err = await TPUClusterResolver.resolve({ env: {}, metadata: { host, timeoutMs: 200 } }).catch((e: unknown) => e);
      expect(isSynclineError(err)).toBe(true);
      expect(err).toMatchObject({ name: 'BackendError', detailCode: 'NOT_ON_TPU' });
      expect(String((err as Error).message)).toMatch(/not on a Cloud TPU VM.*no answer from 127\.0\.0\.1:\d+ within 200 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('does not trust a server that lacks the Metadata-Flavor answer header', async () => {
    const { server, host } = await fakeMetadata({ 'accelerator-type': 'v4-8' }, false);
    try {
      await expect(TPUClusterResolver.resolve({ env: {}, metadata: { host } })).rejects.toThrow(/not a GCE metadata server/);
    } finally {
      server.close();
    }
  });
});
