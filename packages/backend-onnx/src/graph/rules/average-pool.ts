/**
 * AveragePool (2-D) and GlobalAveragePool:
 * 1. divide g by each window's element count (padding excluded unless count_include_pad),
 *    a constant map computed here from the geometry;
 * 2. spread it back with ConvTranspose of a ones kernel over [N*C, 1, OH, OW], forward
 *    strides/pads, output_padding restoring X's size; reshape to X.
 * GlobalAveragePool: dX = expand(g / (H W)) to X's shape.
 */
import type { GradRule } from '../grad-rule';
import { attrInt } from '../node-attrs';
import { outputPadding, windowGeometry } from './window-geometry';

export const averagePoolGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const geo = windowGeometry(ctx, node);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  const [oh, ow] = geo.outSize;
  const [kh, kw] = geo.kernel;
  const inv = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const r0 = i * geo.strides[0] - geo.pads[0];
      const c0 = j * geo.strides[1] - geo.pads[1];
      const rows = includePad ? kh : Math.min(r0 + kh, geo.inSize[0]) - Math.max(r0, 0);
      const cols = includePad ? kw : Math.min(c0 + kw, geo.inSize[1]) - Math.max(c0, 0);
      inv[i * ow + j] = 1 / (rows * cols);
    }
  }
  const scaled = b.op('Reshape', [b.op('Mul', [g, b.constFloat(inv, [oh, ow])]), b.constInt64([-1, 1, oh, ow])]);
  const ones = b.constFloat(new Float32Array(kh * kw).fill(1), [1, 1, kh, kw]);
  const spread = b.op('ConvTranspose', [scaled, ones], {
    strides: geo.strides,
    pads: geo.pads,
    kernel_shape: geo.kernel,
    output_padding: outputPadding(geo),
  });
  return [b.op('Reshape', [spread, b.op('Shape', [node.input[0]!])])];
};

export const globalAveragePoolGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const [, , h, w] = ctx.shape(node.input[0]!) as [number, number, number, number];
  const scaled = b.op('Mul', [g, b.scalar(1 / (h * w))]);
  return [b.op('Expand', [scaled, b.op('Shape', [node.input[0]!])])];
};
