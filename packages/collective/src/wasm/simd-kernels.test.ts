import { simdKernels, KernelArena } from './simd-kernels';

describe('wasm SIMD kernels', () => {
  it.each([0, 1, 3, 4, 15, 16, 17, 63, 64, 1000, 4099])('add/max/scale match JS for n=%i (private memory)', (n) => {
    const arena = new KernelArena();
    arena.ensure(3 * 4 * (n + 8) + 64);
    const f = arena.f32;
    const a = 16; // offsets in floats, not multiples of 4 lanes on purpose below
    const b = a + n + 5;
    const want = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      f[a + i] = (i % 17) - 8.5;
      f[b + i] = ((i * 7) % 13) - 6;
      want[i] = (f[a + i]! + f[b + i]!) * 0.25;
    }
    const guard = f[a + n]!;
    arena.kernels.add(a * 4, b * 4, n);
    arena.kernels.scale(a * 4, n, 0.25);
    expect(Array.from(f.subarray(a, a + n))).toEqual(Array.from(want));
    expect(f[a + n]).toBe(guard);
    for (let i = 0; i < n; i++) f[b + i] = i % 2 ? 1e9 : -1e9;
    arena.kernels.max(a * 4, b * 4, n);
    for (let i = 0; i < n; i++) expect(f[a + i]).toBe(Math.max(want[i]!, i % 2 ? 1e9 : -1e9));
  });

  it('works over a shared memory (the shared-memory communicator case) and propagates NaN in max', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const k = simdKernels(memory);
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, NaN, 4, 5], 0);
    f.set([5, 1, 0, 9, -1], 8);
    k.max(0, 32, 5);
    expect(Array.from(f.subarray(0, 5))).toEqual([5, 2, NaN, 9, 5]);
  });

  it('grows the arena and keeps kernels valid', () => {
    const arena = new KernelArena();
    arena.ensure(5 << 20);
    expect(arena.buffer.byteLength).toBeGreaterThanOrEqual(5 << 20);
    arena.f32[(5 << 18) - 1] = 2;
    arena.kernels.scale(((5 << 18) - 1) * 4, 1, 3);
    expect(arena.f32[(5 << 18) - 1]).toBe(6);
  });
});
