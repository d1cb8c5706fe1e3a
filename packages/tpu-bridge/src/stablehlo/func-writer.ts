/**
 * Wraps a builder's body into `module { func.func public @main(...) -> (...) }` text,
 * with the replica count XLA expects on a replicated module.
 */
import { Builder } from './builder';
import { typeText, type TensorType, type Value } from './tensor-type';

export interface ModuleText {
  readonly text: string;
  readonly inputs: readonly TensorType[];
  readonly outputs: readonly TensorType[];
}

export function writeModule(name: string, numReplicas: number, inputs: readonly TensorType[], body: (b: Builder, args: Value[]) => Value[]): ModuleText {
  const b = new Builder();
  const args = inputs.map((type, i) => ({ ref: `%arg${i}`, type }));
  const results = body(b, args);
  b.terminator('func.return', results);
  const outputs = results.map((r) => r.type);
  const signature = `${args.map((a) => `${a.ref}: ${typeText(a.type)}`).join(', ')}`;
  const text = [
    `module @${name} attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = ${numReplicas} : i32} {`,
    `  func.func public @main(${signature}) -> (${outputs.map(typeText).join(', ')}) {`,
    ...b.lines,
    '  }',
    '}',
    '',
  ].join('\n');
  return { text, inputs, outputs };
}
