/**
 * What the workers of a cluster must agree on before training: the strategy's own settings
 * (Syncline version, model spec and weight layout, backend and its options, communicator,
 * replicas per worker, the cluster's addresses) followed by the caller's (`agree`), each as
 * the string that is compared (see internal/replica/agreement.ts).
 */
import type { GroupContext, PluginRef } from '../contracts/plugin-ref';
import type { ModelSpec } from '../spec/model-spec';
import { weightLayoutOf } from '../model/weight-layout-of';
import { synclineVersion } from '../version';

function refText(ref: PluginRef): string {
  return `${ref.name ?? ref.export}${ref.options === undefined ? '' : ` ${JSON.stringify(ref.options)}`}`;
}

/** The fields, in the order differences are reported (the first one that differs is named). */
export function agreementFields(
  spec: ModelSpec,
  refs: { readonly backend: PluginRef; readonly communicator: PluginRef },
  context: GroupContext,
  replicasPerWorker: number,
  agree: Readonly<Record<string, string | number | boolean | undefined>> = {},
): Record<string, string> {
  const layout = weightLayoutOf(spec).entries.map((e) => `${e.name}[${e.shape.join('x')}]`);
  const fields: Record<string, string> = {
    'Syncline version': synclineVersion(),
    'cluster (TF_CONFIG training tasks)': `${context.workerAddresses.length} workers: ${context.workerAddresses.join(', ')}`,
    'replicas per worker': String(replicasPerWorker),
    backend: refText(refs.backend),
    communicator: refText(refs.communicator),
    'model spec': JSON.stringify(spec),
    'weight layout': layout.join(', '),
  };
  for (const [key, value] of Object.entries(agree)) fields[key] = value === undefined ? '(not set)' : String(value);
  return fields;
}
