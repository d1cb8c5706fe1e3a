/** Reading attributes of (possibly imported) ONNX nodes with defaults. */
import type { NodeProto } from '../proto/onnx-proto';

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.f !== undefined ? a.f : fallback;
}

export function attrInts(node: NodeProto, name: string, fallback: readonly number[]): number[] {
  const a = node.attribute.find((x) => x.name === name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(Number) : [...fallback];
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const a = node.attribute.find((x) => x.name === name);
  return a?.s !== undefined ? new TextDecoder().decode(a.s) : fallback;
}

/** "node Conv_3 (Conv)" for error messages. */
export function describeNode(node: NodeProto): string {
  return `node "${node.name ?? node.output[0] ?? '?'}" (${node.op_type})`;
}
