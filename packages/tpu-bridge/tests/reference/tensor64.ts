/** Test reference: float64 NHWC tensors and the windowed layers, by naive loops (no shared code with the emitter). */
export interface T64 {
  shape: number[];
  data: Float64Array;
}

export const t64 = (shape: number[], data?: ArrayLike<number>): T64 => ({
  shape,
  data: data ? Float64Array.from(data) : new Float64Array(shape.reduce((a, b) => a * b, 1)),
});

/** TensorFlow 'same'/'valid' output size and low padding along one axis. */
export function axis(size: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; lo: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, lo: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, lo: Math.floor(total / 2) };
}

export interface Window {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padding: 'same' | 'valid';
}

/** Visits every (n, oy, ox, ky, kx, iy, ix) of a window op with in-bounds input positions. */
export function forEachWindow(
  dims: readonly number[],
  win: Window,
  visit: (b: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void,
): { oh: number; ow: number } {
  const [n, h, w] = dims as [number, number, number];
  const ay = axis(h, win.kh, win.sh, win.padding);
  const ax = axis(w, win.kw, win.sw, win.padding);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let ky = 0; ky < win.kh; ky++)
          for (let kx = 0; kx < win.kw; kx++) {
            const iy = oy * win.sh + ky - ay.lo;
            const ix = ox * win.sw + kx - ax.lo;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) visit(b, oy, ox, ky, kx, iy, ix);
          }
  return { oh: ay.out, ow: ax.out };
}

export function conv2d(x: T64, k: T64, bias: T64 | null, win: Window): T64 {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const f = k.shape[3]!;
  const { oh, ow } = forEachWindow([n, h, w], win, () => undefined);
  const y = t64([n, oh, ow, f]);
  forEachWindow([n, h, w], win, (b, oy, ox, ky, kx, iy, ix) => {
    for (let ci = 0; ci < c; ci++)
      for (let fo = 0; fo < f; fo++)
        y.data[((b * oh + oy) * ow + ox) * f + fo]! += x.data[((b * h + iy) * w + ix) * c + ci]! * k.data[((ky * win.kw + kx) * c + ci) * f + fo]!;
  });
  if (bias) for (let i = 0; i < y.data.length; i++) y.data[i]! += bias.data[i % f]!;
  return y;
}

export function conv2dBackward(x: T64, k: T64, dy: T64, win: Window): { dx: T64; dk: T64; db: T64 } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow, f] = dy.shape as [number, number, number, number];
  const dx = t64(x.shape);
  const dk = t64(k.shape);
  const db = t64([f]);
  for (let i = 0; i < dy.data.length; i++) db.data[i % f]! += dy.data[i]!;
  forEachWindow([n, h, w], win, (b, oy, ox, ky, kx, iy, ix) => {
    for (let ci = 0; ci < c; ci++)
      for (let fo = 0; fo < f; fo++) {
        const g = dy.data[((b * oh + oy) * ow + ox) * f + fo]!;
        const xi = ((b * h + iy) * w + ix) * c + ci;
        const ki = ((ky * win.kw + kx) * c + ci) * f + fo;
        dk.data[ki]! += x.data[xi]! * g;
        dx.data[xi]! += k.data[ki]! * g;
      }
  });
  return { dx, dk, db };
}

/** Max pool; returns the output and, per output element, the input index of its first maximum. */
export function maxPool(x: T64, win: Window): { y: T64; argmax: Int32Array } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const { oh, ow } = forEachWindow([n, h, w], win, () => undefined);
  const y = t64([n, oh, ow, c]);
  y.data.fill(-Infinity);
  const argmax = new Int32Array(y.data.length).fill(-1);
  forEachWindow([n, h, w], win, (b, oy, ox, _ky, _kx, iy, ix) => {
    for (let ci = 0; ci < c; ci++) {
      const o = ((b * oh + oy) * ow + ox) * c + ci;
      const i = ((b * h + iy) * w + ix) * c + ci;
      if (x.data[i]! > y.data[o]!) {
        y.data[o] = x.data[i]!;
        argmax[o] = i;
      }
    }
  });
  return { y, argmax };
}

/** Average pool over the real (unpadded) elements of each window, with its backward. */
export function avgPool(x: T64, win: Window): { y: T64; backward: (dy: T64) => T64 } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const { oh, ow } = forEachWindow([n, h, w], win, () => undefined);
  const y = t64([n, oh, ow, c]);
  const count = new Float64Array(n * oh * ow);
  forEachWindow([n, h, w], win, (b, oy, ox) => count[(b * oh + oy) * ow + ox]!++);
  forEachWindow([n, h, w], win, (b, oy, ox, _ky, _kx, iy, ix) => {
    const cell = (b * oh + oy) * ow + ox;
    for (let ci = 0; ci < c; ci++) y.data[cell * c + ci]! += x.data[((b * h + iy) * w + ix) * c + ci]! / count[cell]!;
  });
  const backward = (dy: T64): T64 => {
    const dx = t64(x.shape);
    forEachWindow([n, h, w], win, (b, oy, ox, _ky, _kx, iy, ix) => {
      const cell = (b * oh + oy) * ow + ox;
      for (let ci = 0; ci < c; ci++) dx.data[((b * h + iy) * w + ix) * c + ci]! += dy.data[cell * c + ci]! / count[cell]!;
    });
    return dx;
  };
  return { y, backward };
}
