/**
 * Validates a user's model spec (object or JSON text) and checks that shapes flow
 * through every layer (sequential or functional) and that the loss and metrics fit the output;
 * errors name the field path or the layer index and shapes.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import { modelSpecSchema, type ModelSpec } from '../spec/model-spec';
import { resolveLoss } from './resolve-loss';
import { metricLayout } from './metric-layout';
import { inferShapes } from './shapes';

export function parseModelSpec(input: unknown, source = 'model spec'): ModelSpec {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new InvalidConfigError('(root)', input.slice(0, 60), 'valid JSON', { source, cause: e });
    }
  }
  const parsed = modelSpecSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    const bad = issue.path.reduce<unknown>(
      (acc, k) => (acc !== null && typeof acc === 'object' ? (acc as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined),
      value,
    );
    throw new InvalidConfigError(path, bad, issue.message, { source });
  }
  const shapes = inferShapes(parsed.data);
  resolveLoss(parsed.data);
  metricLayout(parsed.data.metrics, shapes[shapes.length - 1]!.outputShape[0]);
  return parsed.data;
}
