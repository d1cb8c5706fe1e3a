/**
 * deploy/k8s: parses the Kubeflow TFJob and the Indexed Job manifests and checks that the
 * TF_CONFIG every pod would get resolves to the intended ranks, chief, world size and
 * addresses, that every pod gets SYNCLINE_AUTH_TOKEN from the Secret, and that every pod
 * runs `syncline train --strategy multi-worker` with flags `syncline train` accepts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { TFConfigClusterResolver } from '@syncline/core';
import { addTrainFlags, validateTrainOptions } from '../src/commands/train-options';

const K8S_DIR = resolve(__dirname, '../../../deploy/k8s');
const SECRET = { name: 'syncline-auth', key: 'token' };
const FAKE_TOKEN = 'token-from-the-secret';
/** What Kubeflow's operator uses without a "tfjob-port" port on the "tensorflow" container. */
const KUBEFLOW_DEFAULT_PORT = 2222;

/** Manifests are untyped YAML. */
type Manifest = any;

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Manifest;
  });
}

/** A container's environment as the kubelet would build it for a pod with these labels, resolving Secret references. */
function podEnv(container: Manifest, labels: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      expect(e.valueFrom.secretKeyRef).toEqual(SECRET);
      env[e.name] = FAKE_TOKEN;
    } else if (e.valueFrom?.fieldRef) {
      const label = /^metadata\.labels\['([^']+)'\]$/.exec(e.valueFrom.fieldRef.fieldPath);
      if (!label || labels[label[1]!] === undefined) throw new Error(`${e.name}: unsupported fieldRef ${e.valueFrom.fieldRef.fieldPath}`);
      env[e.name] = labels[label[1]!]!;
    } else throw new Error(`${e.name}: unsupported env source`);
  }
  return env;
}

/** The train flags after `syncline train`, checked by `syncline train`'s own parser. */
function trainOptions(argv: string[]) {
  expect(argv.slice(0, 2)).toEqual(['syncline', 'train']);
  const cmd = addTrainFlags(new Command('train').exitOverride().configureOutput({ writeErr: () => undefined }));
  cmd.parse(argv.slice(2), { from: 'user' });
  return validateTrainOptions(cmd.opts());
}

function expectRanks(configs: { tfConfig: string; expected: { rank: number; taskType: string; isChief: boolean } }[], addresses: string[]): void {
  for (const { tfConfig, expected } of configs) {
    const r = TFConfigClusterResolver.fromObject(tfConfig);
    expect({ rank: r.rank, taskType: r.taskType, isChief: r.isChief }).toEqual(expected);
    expect(r.worldSize).toBe(addresses.length);
    expect(r.rankAddresses).toEqual(addresses);
    expect(r.taskAddress).toBe(addresses[r.rank]);
  }
  expect(configs.map((c) => c.expected.rank).sort()).toEqual(addresses.map((_, i) => i));
}

describe('deploy/k8s/tfjob.yaml (Kubeflow TFJob)', () => {
  const [tfjob] = load('tfjob.yaml');
  const name: string = tfjob.metadata.name;
  const namespace: string = tfjob.metadata.namespace ?? 'default';
  const specs: Record<string, Manifest> = tfjob.spec.tfReplicaSpecs;
  const container = (replicaType: string): Manifest => specs[replicaType].template.spec.containers.find((c: Manifest) => c.name === 'tensorflow');

  /** TF_CONFIG as Kubeflow's training operator injects it (genClusterSpec / genTFConfigJSONStr): evaluators are left out of the cluster. */
  function kubeflowTfConfigs(): { type: string; index: number; tfConfig: string }[] {
    const cluster: Record<string, string[]> = {};
    for (const [replicaType, spec] of Object.entries(specs)) {
      if (replicaType === 'Evaluator') continue;
      const rt = replicaType.toLowerCase();
      const port = container(replicaType)?.ports?.find((p: Manifest) => p.name === 'tfjob-port')?.containerPort ?? KUBEFLOW_DEFAULT_PORT;
      cluster[rt] = Array.from({ length: spec.replicas ?? 1 }, (_, i) => `${name}-${rt}-${i}.${namespace}.svc:${port}`);
    }
    return Object.entries(specs).flatMap(([replicaType, spec]) =>
      Array.from({ length: spec.replicas ?? 1 }, (_, index) => {
        const type = replicaType.toLowerCase();
        return { type, index, tfConfig: JSON.stringify({ cluster, task: { type, index }, environment: 'cloud' }) };
      }),
    );
  }

  it('is a kubeflow.org/v1 TFJob with one Chief and Workers, each container named "tensorflow" with a tfjob-port', () => {
    expect([tfjob.apiVersion, tfjob.kind]).toEqual(['kubeflow.org/v1', 'TFJob']);
    expect(Object.keys(specs).sort()).toEqual(['Chief', 'Worker']);
    expect(specs.Chief.replicas).toBe(1);
    for (const t of ['Chief', 'Worker']) expect(container(t).ports).toEqual([{ name: 'tfjob-port', containerPort: 2222 }]);
  });

  it('gives chief-0 rank 0 and worker-i rank i + 1, with every address and the chief agreed', () => {
    const workers: number = specs.Worker.replicas;
    const addresses = [`${name}-chief-0.${namespace}.svc:2222`, ...Array.from({ length: workers }, (_, i) => `${name}-worker-${i}.${namespace}.svc:2222`)];
    expectRanks(
      kubeflowTfConfigs().map((c) => ({
        tfConfig: c.tfConfig,
        expected: { rank: c.type === 'chief' ? 0 : c.index + 1, taskType: c.type, isChief: c.type === 'chief' },
      })),
      addresses,
    );
  });

  it('runs the same `syncline train --strategy multi-worker` in every pod, with the token from the Secret', () => {
    const chief = container('Chief');
    for (const t of Object.keys(specs)) {
      const c = container(t);
      expect(podEnv(c, {}).SYNCLINE_AUTH_TOKEN).toBe(FAKE_TOKEN);
      expect([c.image, c.command, c.args]).toEqual([chief.image, chief.command, chief.args]);
      expect(specs[t].template.spec.volumes).toEqual(specs.Chief.template.spec.volumes);
    }
    const o = trainOptions(chief.command);
    expect([o.strategy, o.replicas]).toEqual(['multi-worker', 1]);
    const worldSize = kubeflowTfConfigs().length;
    expect(o.globalBatch % (worldSize * o.replicas)).toBe(0);
  });
});

describe('deploy/k8s/indexed-job.yaml (Indexed Job + headless Service)', () => {
  const docs = load('indexed-job.yaml');
  const byKind = (kind: string): Manifest => docs.find((d) => d.kind === kind);
  const service = byKind('Service');
  const configMap = byKind('ConfigMap');
  const job = byKind('Job');
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  // the labels the Job controller puts on its pods
  const labels = { 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name };
  const dir = mkdtempSync(join(tmpdir(), 'syncline-k8s-'));

  /** The entrypoint script as the pod sees it: the ConfigMap key mounted where the command points. */
  function entrypointScript(): string {
    const scriptPath: string = container.command[1];
    const mount = container.volumeMounts.find((m: Manifest) => scriptPath.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    const file = join(dir, 'tf-config-entrypoint.sh');
    writeFileSync(file, configMap.data[scriptPath.slice(mount.mountPath.length + 1)]);
    return file;
  }

  /** Runs the entrypoint for pod `index` with the pod's environment; DNS waiting is off, as these names exist only in the cluster. */
  function runEntrypoint(index: number, command: string[], extraEnv: Record<string, string> = {}) {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...podEnv(container, labels),
      JOB_COMPLETION_INDEX: String(index),
      SYNCLINE_DNS_WAIT_SECONDS: '0',
      ...extraEnv,
    };
    return spawnSync('sh', [entrypointScript(), ...command], { env, encoding: 'utf8' });
  }

  it('ties the Job, its pods and the headless Service together', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(pod.subdomain).toBe(service.metadata.name);
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual({ 'job-name': job.metadata.name });
    expect(container.command[0]).toBe('sh');
    expect(podEnv(container, labels)).toMatchObject({
      SYNCLINE_JOB_NAME: job.metadata.name,
      SYNCLINE_SERVICE: service.metadata.name,
      SYNCLINE_WORKERS: String(job.spec.completions),
    });
    expect(container.ports.map((p: Manifest) => p.containerPort)).toEqual([Number(podEnv(container, labels).SYNCLINE_PORT)]);
  });

  it('exports a TF_CONFIG per completion index that resolves to rank = index, worker 0 as chief', () => {
    const n: number = job.spec.completions;
    const addresses = Array.from({ length: n }, (_, i) => `${job.metadata.name}-${i}.${service.metadata.name}:2222`);
    const printEnv = [
      process.execPath,
      '-e',
      'process.stdout.write(JSON.stringify({ tfConfig: process.env.TF_CONFIG, token: process.env.SYNCLINE_AUTH_TOKEN, argv: process.argv.slice(1) }))',
      'train',
      '--json',
    ];
    const configs = Array.from({ length: n }, (_, index) => {
      const run = runEntrypoint(index, printEnv);
      expect(run.stderr).toContain(`tf-config-entrypoint: TF_CONFIG={`);
      expect(run.status).toBe(0);
      const seen = JSON.parse(run.stdout) as { tfConfig: string; token: string; argv: string[] };
      expect(seen.token).toBe(FAKE_TOKEN);
      expect(seen.argv).toEqual(['train', '--json']);
      expect(runEntrypoint(index, []).stdout.trim()).toBe(seen.tfConfig); // printed when no command is given
      return { tfConfig: seen.tfConfig, expected: { rank: index, taskType: 'worker', isChief: index === 0 } };
    });
    expectRanks(configs, addresses);
  });

  it('runs `syncline train --strategy multi-worker` through the entrypoint, with the token from the Secret', () => {
    expect(podEnv(container, labels).SYNCLINE_AUTH_TOKEN).toBe(FAKE_TOKEN);
    const o = trainOptions(container.args);
    expect([o.strategy, o.replicas]).toEqual(['multi-worker', 1]);
    expect(o.globalBatch % (job.spec.completions * o.replicas)).toBe(0);
  });

  it('refuses an index outside the Job and a missing index, naming the variable', () => {
    const outside = runEntrypoint(job.spec.completions, []);
    expect(outside.status).toBe(64);
    expect(outside.stderr).toContain(`JOB_COMPLETION_INDEX ${job.spec.completions} is not below SYNCLINE_WORKERS ${job.spec.completions}`);
    const missing = runEntrypoint(0, [], { JOB_COMPLETION_INDEX: '' });
    expect(missing.status).toBe(64);
    expect(missing.stderr).toMatch(/JOB_COMPLETION_INDEX is ""; expected the pod's index \(run as an Indexed Job/);
  });

  it("waits a bounded time for the pod's own DNS name, then says what to fix", () => {
    if (spawnSync('sh', ['-c', 'command -v getent']).status !== 0) {
      console.log('skipped: no getent on this machine (the entrypoint then skips the DNS wait)');
      return;
    }
    const run = runEntrypoint(1, ['true'], { SYNCLINE_DNS_WAIT_SECONDS: '1', SYNCLINE_SERVICE: 'no-such-service.invalid' });
    expect(run.status).toBe(64);
    expect(run.stderr).toContain(`${job.metadata.name}-1.no-such-service.invalid does not resolve after 1s; expected a headless Service`);
  });

  it('is valid POSIX sh (sh -n)', () => {
    expect(() => execFileSync('sh', ['-n', entrypointScript()])).not.toThrow();
  });
});
