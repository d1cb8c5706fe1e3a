/**
 * Emits the bytes of a tiny WebAssembly module with f32x4 SIMD kernels over an imported
 * memory (no toolchain, no addon). Equivalent text form, for one binary op:
 *
 *   (func $add (param $dst i32) (param $src i32) (param $n i32) (local $end16 i32) (local $end i32)
 *     end16 = dst + (n & ~15) * 4 ; end = dst + n * 4
 *     loop while dst < end16: 4 x { v128.store dst (f32x4.add (v128.load dst) (v128.load src)) } ; += 64
 *     loop while dst < end:   f32.store dst (f32.add (f32.load dst) (f32.load src)) ; += 4)
 *
 * Exports: add(dst, src, n), max(dst, src, n), scale(dst, n, s: f32). Offsets are bytes,
 * `n` counts floats. `shared` selects a shared-memory import (for SharedArrayBuffer data).
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i32GeU: 0x4f,
  f32Load: 0x2a,
  f32Store: 0x38,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Max: 0x97,
  simd: 0xfd,
} as const;
const simd = { load: 0x00, store: 0x0b, f32x4Splat: 0x13, f32x4Add: 0xe4, f32x4Mul: 0xe6, f32x4Max: 0xe9 } as const;
/** Largest memory the import accepts, in 64 KiB pages (4 GiB). */
const MAX_PAGES = 65536;
const UNROLL = 4;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const simdOp = (code: number): number[] => [op.simd, ...uleb(code)];
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** Body of add/max: locals 3 = end16, 4 = end. `bin` is applied to (dst, src) lanes. */
function binaryBody(simdBin: number, scalarBin: number): number[] {
  const [dst, src, n, end16, end] = [0, 1, 2, 3, 4];
  const lanes: number[] = [];
  for (let u = 0; u < UNROLL; u++) {
    lanes.push(op.localGet, dst, op.localGet, dst, ...simdOp(simd.load), ...memarg(0, u * 16));
    lanes.push(op.localGet, src, ...simdOp(simd.load), ...memarg(0, u * 16), ...simdOp(simdBin));
    lanes.push(...simdOp(simd.store), ...memarg(0, u * 16));
  }
  const step = (local: number, by: number): number[] => [op.localGet, local, op.i32Const, ...sleb(by), op.i32Add, op.localSet, local];
  return [
    ...vec([[2, I32]]),
    op.localGet,
    dst,
    op.localGet,
    n,
    op.i32Const,
    ...sleb(-16),
    op.i32And,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.localSet,
    end16,
    op.localGet,
    dst,
    op.localGet,
    n,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.localSet,
    end,
    op.block,
    0x40,
    op.loop,
    0x40,
    op.localGet,
    dst,
    op.localGet,
    end16,
    op.i32GeU,
    op.brIf,
    1,
    ...lanes,
    ...step(dst, 16 * UNROLL),
    ...step(src, 16 * UNROLL),
    op.br,
    0,
    op.end,
    op.end,
    op.block,
    0x40,
    op.loop,
    0x40,
    op.localGet,
    dst,
    op.localGet,
    end,
    op.i32GeU,
    op.brIf,
    1,
    op.localGet,
    dst,
    op.localGet,
    dst,
    op.f32Load,
    ...memarg(2, 0),
    op.localGet,
    src,
    op.f32Load,
    ...memarg(2, 0),
    scalarBin,
    op.f32Store,
    ...memarg(2, 0),
    ...step(dst, 4),
    ...step(src, 4),
    op.br,
    0,
    op.end,
    op.end,
    op.end,
  ];
}

/** Body of scale(dst, n, s): locals 3 = end4, 4 = end, 5 = splat(s). */
function scaleBody(): number[] {
  const [dst, n, s, end4, end, sv] = [0, 1, 2, 3, 4, 5];
  const step = (by: number): number[] => [op.localGet, dst, op.i32Const, ...sleb(by), op.i32Add, op.localSet, dst];
  return [
    ...vec([
      [2, I32],
      [1, V128],
    ]),
    op.localGet,
    s,
    ...simdOp(simd.f32x4Splat),
    op.localSet,
    sv,
    op.localGet,
    dst,
    op.localGet,
    n,
    op.i32Const,
    ...sleb(-4),
    op.i32And,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.localSet,
    end4,
    op.localGet,
    dst,
    op.localGet,
    n,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.localSet,
    end,
    op.block,
    0x40,
    op.loop,
    0x40,
    op.localGet,
    dst,
    op.localGet,
    end4,
    op.i32GeU,
    op.brIf,
    1,
    op.localGet,
    dst,
    op.localGet,
    dst,
    ...simdOp(simd.load),
    ...memarg(0, 0),
    op.localGet,
    sv,
    ...simdOp(simd.f32x4Mul),
    ...simdOp(simd.store),
    ...memarg(0, 0),
    ...step(16),
    op.br,
    0,
    op.end,
    op.end,
    op.block,
    0x40,
    op.loop,
    0x40,
    op.localGet,
    dst,
    op.localGet,
    end,
    op.i32GeU,
    op.brIf,
    1,
    op.localGet,
    dst,
    op.localGet,
    dst,
    op.f32Load,
    ...memarg(2, 0),
    op.localGet,
    s,
    op.f32Mul,
    op.f32Store,
    ...memarg(2, 0),
    ...step(4),
    op.br,
    0,
    op.end,
    op.end,
    op.end,
  ];
}

/** The module's bytes; `shared` declares the imported memory shared (max 4 GiB). */
export function kernelModuleBytes(shared: boolean): Uint8Array {
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [F32]]), 0],
  ]);
  const limits = shared ? [0x03, 0, ...uleb(MAX_PAGES)] : [0x00, 0];
  const imports = vec([[...str('env'), ...str('memory'), 0x02, ...limits]]);
  const funcs = vec([[0], [0], [1]]);
  const exports = vec([
    [...str('add'), 0x00, 0],
    [...str('max'), 0x00, 1],
    [...str('scale'), 0x00, 2],
  ]);
  const bodies = [binaryBody(simd.f32x4Add, op.f32Add), binaryBody(simd.f32x4Max, op.f32Max), scaleBody()];
  const code = vec(bodies.map((b) => [...uleb(b.length), ...b]));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
