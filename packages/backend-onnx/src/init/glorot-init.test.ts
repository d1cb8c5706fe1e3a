/**
 * Initial weights follow backend-tfjs's documented generator: golden values below were
 * produced by backend-tfjs's initialWeightsForSpec(presetModelSpec('cnn'), 7) (the whole
 * buffers compared bit for bit when this was written), plus the Glorot limits.
 */
import { presetModelSpec, weightLayoutOf } from '@syncline/core';
import { fans, glorotInit } from './glorot-init';

const GOLDEN_SEED_7: Record<string, number[]> = {
  'conv2d_0/kernel': [-0.034879885613918304, -0.04208070784807205, -0.12207045406103134],
  'conv2d_1/kernel': [-0.009370733983814716, -0.020438900217413902, -0.03708070516586304],
  'dense_0/kernel': [0.044206418097019196, -0.040857043117284775, 0.04183187708258629],
  'dense_1/kernel': [-0.17370766401290894, 0.10889015346765518, 0.11737854778766632],
};

describe('glorotInit', () => {
  it('matches backend-tfjs golden values; biases are zero; values within the Glorot limit', () => {
    const layout = weightLayoutOf(presetModelSpec('cnn'));
    const w = glorotInit(layout, 7);
    for (const e of layout.entries) {
      const view = w.subarray(e.offset, e.offset + e.size);
      if (e.name.endsWith('/bias')) {
        expect(view.every((v) => v === 0)).toBe(true);
        continue;
      }
      expect(Array.from(view.subarray(0, 3))).toEqual(GOLDEN_SEED_7[e.name]);
      const [fi, fo] = fans(e.shape);
      const limit = Math.sqrt(6 / (fi + fo));
      expect(view.every((v) => Math.abs(v) <= limit)).toBe(true);
    }
    expect(Buffer.from(glorotInit(layout, 8).buffer).equals(Buffer.from(w.buffer))).toBe(false);
  });
});
