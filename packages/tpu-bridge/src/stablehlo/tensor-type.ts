/**
 * Tensor types and literals as StableHLO's MLIR text spells them. Float constants are
 * written as exact IEEE-754 bit patterns (dense<0x3F800000>), so no decimal formatting
 * can change a value between JavaScript and XLA.
 */
export type DType = 'f32' | 'i32' | 'ui32' | 'i1';

export interface TensorType {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** An SSA value: its name ("%v12", "%w#3") and type. */
export interface Value {
  readonly ref: string;
  readonly type: TensorType;
}

export const tensor = (shape: readonly number[], dtype: DType = 'f32'): TensorType => ({ shape: [...shape], dtype });

/** `tensor<2x3xf32>`, or `tensor<f32>` for a scalar. */
export function typeText(t: TensorType): string {
  return `tensor<${[...t.shape, t.dtype].join('x')}>`;
}

/** The f32 bit pattern of `x` as an MLIR hex literal. */
export function f32Hex(x: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x, true);
  return `0x${view.getUint32(0, true).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** `array<i64: 1, 2>` (an empty list is `array<i64>`). */
export function i64Array(values: readonly number[]): string {
  return values.length === 0 ? 'array<i64>' : `array<i64: ${values.join(', ')}>`;
}

/** A dense i64 matrix attribute such as padding or replica groups: `dense<[[0, 1]]> : tensor<1x2xi64>`. */
export function i64Matrix(rows: readonly (readonly number[])[]): string {
  const cols = rows[0]?.length ?? 0;
  return `dense<[${rows.map((r) => `[${r.join(', ')}]`).join(', ')}]> : tensor<${rows.length}x${cols}xi64>`;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
