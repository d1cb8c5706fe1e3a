/**
 * fast-check generators for the cluster property tests: valid clusters with unique
 * addresses, their TF_CONFIG / CLUSTER_SPEC / sparse spellings, and mutations of them.
 * Test support only (imported by *.test.ts, not by the library).
 */
import fc from 'fast-check';
import type { TaskType } from '../contracts/cluster-resolver';

/** A valid cluster by role; every address is unique (each task gets its own port). */
export interface ValidCluster {
  readonly chief: string[];
  readonly worker: string[];
  readonly ps: string[];
  readonly evaluator: string[];
}

export const ROLES: readonly TaskType[] = ['chief', 'worker', 'ps', 'evaluator'];
const MAX_WORKERS = 8;
const MAX_PS = 3;

/** A host as users write it: a DNS name, an IPv4 address, or a bracketed IPv6 address. */
export const hostArb: fc.Arbitrary<string> = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
  fc.constantFrom('localhost', 'mnist-worker-0.kubeflow.svc', 'cmle-training-workerpool1-ab-0'),
);

export const portArb = fc.integer({ min: 1, max: 65535 });

export const validClusterArb: fc.Arbitrary<ValidCluster> = fc
  .record({
    chief: fc.integer({ min: 0, max: 1 }),
    worker: fc.integer({ min: 0, max: MAX_WORKERS }),
    ps: fc.integer({ min: 0, max: MAX_PS }),
    evaluator: fc.integer({ min: 0, max: 1 }),
  })
  .filter((n) => n.chief + n.worker > 0)
  .chain((n) => {
    const total = n.chief + n.worker + n.ps + n.evaluator;
    return fc
      .tuple(fc.array(hostArb, { minLength: total, maxLength: total }), fc.uniqueArray(portArb, { minLength: total, maxLength: total }))
      .map(([hosts, ports]) => {
        const addresses = hosts.map((h, i) => `${h}:${ports[i]}`);
        const take = (k: number): string[] => addresses.splice(0, k);
        return { chief: take(n.chief), worker: take(n.worker), ps: take(n.ps), evaluator: take(n.evaluator) };
      });
  });

/** Every task of the cluster as [role, index]. */
export function allTasks(c: ValidCluster): [TaskType, number][] {
  return ROLES.flatMap((role) => c[role].map((_, i) => [role, i] as [TaskType, number]));
}

/** The cluster as a TF_CONFIG `cluster` object, omitting empty jobs. */
export function denseJobs(
  c: ValidCluster,
  names: Readonly<Record<TaskType, string>> = { chief: 'chief', worker: 'worker', ps: 'ps', evaluator: 'evaluator' },
): Record<string, string[]> {
  return Object.fromEntries(ROLES.filter((r) => c[r].length > 0).map((r) => [names[r], [...c[r]]]));
}

/** The same cluster as sparse index maps whose keys come in `order` (a permutation seed). */
export function sparseJobs(c: ValidCluster, reverse: boolean): Record<string, Record<string, string>> {
  return Object.fromEntries(
    ROLES.filter((r) => c[r].length > 0).map((r) => {
      const entries = c[r].map((a, i) => [String(i), a] as const);
      return [r, Object.fromEntries(reverse ? entries.reverse() : entries)];
    }),
  );
}

export const VERTEX_NAMES: Readonly<Record<TaskType, string>> = { chief: 'workerpool0', worker: 'workerpool1', ps: 'workerpool2', evaluator: 'workerpool3' };

/** One edit of a JSON tree, applied at the `pick`-th node (modulo the node count). */
export interface Mutation {
  readonly pick: number;
  readonly kind: 'replace' | 'delete' | 'addKey' | 'editString' | 'stringify' | 'duplicateAddress';
  readonly value: unknown;
  readonly key: string;
  readonly char: string;
  readonly at: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'addKey', 'editString', 'stringify', 'duplicateAddress'),
  value: fc.oneof(fc.jsonValue(), fc.anything(), fc.constantFrom(null, -1, 0.5, '1', '', ':', 'a:0', '[::1]', 'h:65536', 'master', 'chief', [], {})),
  key: fc.oneof(
    fc.string(),
    fc.constantFrom('master', 'chief', 'worker', 'ps', 'evaluator', 'sparseCluster', 'cluster', 'task', '__proto__', 'constructor', 'workerpool4'),
  ),
  char: fc.oneof(fc.string({ minLength: 0, maxLength: 1 }), fc.constantFrom(':', '[', ']', '.', '-', ' ', '%', '/')),
  at: fc.nat(),
});

type Json = unknown;
interface Slot {
  readonly parent: Record<string, Json> | Json[];
  readonly key: string | number;
}

function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (node: Json): void => {
    if (Array.isArray(node)) node.forEach((v, i) => (out.push({ parent: node, key: i }), walk(v)));
    else if (typeof node === 'object' && node !== null)
      for (const k of Object.keys(node)) (out.push({ parent: node as Record<string, Json>, key: k }), walk((node as Record<string, Json>)[k]));
  };
  walk(root);
  return out;
}

/** Applies `m` to a deep copy of `root` (a JSON-like tree) and returns the copy. */
export function mutate(root: Json, m: Mutation): Json {
  const copy = structuredClone(root) as Json;
  const all = slots(copy);
  if (all.length === 0) return m.value;
  const slot = all[m.pick % all.length]!;
  const parent = slot.parent as Record<string | number, Json>;
  const current = parent[slot.key];
  switch (m.kind) {
    case 'replace':
      parent[slot.key] = m.value;
      break;
    case 'delete':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
      break;
    case 'addKey':
      if (typeof current === 'object' && current !== null && !Array.isArray(current))
        Object.defineProperty(current, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      else if (Array.isArray(current)) current.push(m.value);
      break;
    case 'editString':
      if (typeof current === 'string') {
        const at = m.at % (current.length + 1);
        parent[slot.key] = `${current.slice(0, at)}${m.char}${current.slice(at + (m.at % 2))}`;
      }
      break;
    case 'stringify':
      parent[slot.key] = typeof current === 'number' ? String(current) : (JSON.stringify(current) ?? null);
      break;
    case 'duplicateAddress': {
      const strings = all.map((s) => (s.parent as Record<string | number, Json>)[s.key]).filter((v): v is string => typeof v === 'string' && v.includes(':'));
      if (strings.length > 0) parent[slot.key] = strings[m.at % strings.length];
      break;
    }
  }
  return copy;
}
