import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { MirroredStrategy } from '../strategy/mirrored-strategy';
import { MultiWorkerMirroredStrategy } from '../strategy/multi-worker-mirrored-strategy';
import { SimpleClusterResolver } from '../cluster/simple-cluster-resolver';
import { loadModule, loadPluginExport } from './load-plugin';
import { backendRef, checkPluginRef, communicatorRef } from './plugin-refs';

const CJS = join(__dirname, 'fixtures', 'cjs-plugin.js');
const BROKEN = join(__dirname, 'fixtures', 'broken-plugin.js');

const orchestrated = backendRef({ name: 'b', stepShape: 'orchestrated', module: CJS, export: 'makeThing' });
const compiled = backendRef({ name: 'xla', stepShape: 'compiled', module: CJS, export: 'makeThing' });
const threads = communicatorRef({ name: 'shm', isolation: 'thread', module: CJS, export: 'makeThing' });
const anywhere = communicatorRef({ name: 'ring', isolation: 'any', module: CJS, export: 'makeThing' });
const cluster = communicatorRef({ name: 'mw', isolation: 'any', multiWorker: true, module: CJS, export: 'makeThing' });

describe('loading a plugin reference', () => {
  it('loads a module by path or file URL and takes the named export', async () => {
    expect(typeof (await loadModule(CJS)).makeThing).toBe('function');
    const make = await loadPluginExport<(o: unknown) => { options: unknown }>({ module: pathToFileURL(CJS).href, export: 'makeThing' }, 'backend');
    expect(make({ a: 1 }).options).toEqual({ a: 1 });
  });

  it('names the field, the module and the real cause when the module cannot load', async () => {
    const missing = loadPluginExport({ module: '/nowhere/plugin.js', export: 'x' }, 'backend');
    await expect(missing).rejects.toThrow(InvalidConfigError);
    await expect(loadPluginExport({ module: '/nowhere/plugin.js', export: 'x' }, 'backend')).rejects.toThrow(
      /backend\.module is "\/nowhere\/plugin\.js"; expected a module this process can load \(loading it failed: Cannot find module/,
    );
    await expect(loadPluginExport({ module: BROKEN, export: 'x' }, 'communicator')).rejects.toThrow(/communicator\.module .*the native addon is missing/);
  });

  it('names the exports a module has when the named one is missing', async () => {
    await expect(loadPluginExport({ module: CJS, export: 'makeThng' }, 'backend')).rejects.toThrow(
      /backend\.export is "makeThng"; expected an export of .*cjs-plugin\.js \(found: makeThing\)/,
    );
  });
});

describe('making references', () => {
  it("turns a file URL (an ES module's import.meta.url) into the path replicas load", () => {
    const ref = backendRef({ name: 'b', stepShape: 'orchestrated', module: pathToFileURL(CJS).href, export: 'makeThing' });
    expect(ref).toEqual({ kind: 'backend', name: 'b', stepShape: 'orchestrated', module: CJS, export: 'makeThing' });
  });

  it('refuses options that cannot be sent to a replica, naming the plugin', () => {
    expect(() => backendRef({ name: 'b', stepShape: 'orchestrated', module: CJS, export: 'makeThing', options: { log: () => 1 } })).toThrow(
      /b options .*plain data/,
    );
  });

  it('tells a reference of the wrong kind, or something that is no reference, from a good one', () => {
    expect(() => checkPluginRef('backend', threads, 'backend', 'tfjs()')).toThrow(
      /backend is "communicator reference \\"shm\\""; expected a backend reference, e.g. tfjs\(\)/,
    );
    expect(() => checkPluginRef('backend', 'tfjs' as never, 'backend', 'tfjs()')).toThrow(InvalidConfigError);
    expect(() => checkPluginRef('backend', { module: CJS, export: 'makeThing' }, 'backend', 'tfjs()')).not.toThrow();
  });
});

describe('strategies check their references before starting anything', () => {
  it("MirroredStrategy refuses a compiled backend, and a communicator in the backend's place", () => {
    expect(() => new MirroredStrategy({ backend: compiled, communicator: threads })).toThrow(
      /backend is "xla"; expected an orchestrated backend .*use TPUStrategy/,
    );
    expect(() => new MirroredStrategy({ backend: threads, communicator: threads })).toThrow(/expected a backend reference/);
  });

  it('MirroredStrategy refuses a communicator for the other isolation, and a cluster communicator', () => {
    expect(() => new MirroredStrategy({ isolation: 'process', backend: orchestrated, communicator: threads })).toThrow(
      /communicator is "shm"; expected a communicator for isolation "process" .*socketRing\(\)/,
    );
    expect(() => new MirroredStrategy({ isolation: 'process', backend: orchestrated, communicator: anywhere })).not.toThrow();
    expect(() => new MirroredStrategy({ backend: orchestrated, communicator: cluster })).toThrow(/use it with MultiWorkerMirroredStrategy/);
  });

  it('MultiWorkerMirroredStrategy needs a communicator that spans the cluster, given once', () => {
    const clusterResolver = new SimpleClusterResolver({ cluster: { worker: ['a:1', 'b:1'] }, taskType: 'worker', taskIndex: 0 });
    expect(() => new MultiWorkerMirroredStrategy({ clusterResolver, backend: orchestrated, communicator: threads })).toThrow(
      /spans the cluster's 2 workers, e.g. multiWorker\(\)/,
    );
    expect(() => new MultiWorkerMirroredStrategy({ clusterResolver, backend: orchestrated, communicator: cluster })).not.toThrow();
    expect(() => new MultiWorkerMirroredStrategy({ clusterResolver, backend: orchestrated, communication: cluster })).not.toThrow();
    const both = { clusterResolver, backend: orchestrated, communicator: cluster, communication: cluster } as never;
    expect(() => new MultiWorkerMirroredStrategy(both)).toThrow(/one of communicator and communication/);
  });
});
