/**
 * The reverse-mode rule contract: given a forward node and the gradients of its outputs,
 * emit nodes computing the gradients of the inputs that need one. Shapes come from the
 * forward builder (or a probe run for imported graphs); dimension 0 (the batch) may be -1.
 */
import type { NodeProto } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

export interface GradContext {
  readonly b: GraphBuilder;
  /** Static shape of a forward value; the batch dimension may be -1 (unknown). */
  shape(name: string): readonly number[];
  /** Values of a constant integer tensor (initializer or Constant node), if it is one. */
  constInts?(name: string): number[] | undefined;
}

/**
 * @param gradOutputs gradient of the summed loss w.r.t. each output (undefined: zero)
 * @param needed which inputs need a gradient; a rule may skip the others
 * @returns one gradient value name per input (undefined where not needed or not defined)
 */
export type GradRule = (
  ctx: GradContext,
  node: NodeProto,
  gradOutputs: readonly (string | undefined)[],
  needed: readonly boolean[],
) => readonly (string | undefined)[];
