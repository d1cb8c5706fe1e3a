/** The benchmark's naive baseline does the same work as the pipeline: every example once per epoch, scaled, sharded. */
import { naiveEpoch } from './naive';

describe('naive baseline', () => {
  it('yields every example once per epoch over all ranks, scaled to [0, 1], in per-worker batches', () => {
    const n = 50;
    const L = 3;
    const images = Uint8Array.from({ length: n * L }, (_, i) => Math.floor(i / L));
    const labels = Uint8Array.from({ length: n }, (_, i) => i);
    const seen: number[] = [];
    for (let w = 0; w < 2; w++) {
      for (const b of naiveEpoch(images, labels, L, 8, 2, w)) {
        expect(b.y.length).toBeLessThanOrEqual(4);
        b.y.forEach((label, k) => {
          expect(b.x[k * L]).toBeCloseTo(label / 255, 6);
          seen.push(label);
        });
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
