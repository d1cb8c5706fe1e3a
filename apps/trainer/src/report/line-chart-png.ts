/**
 * A small raster line chart (loss and accuracy per epoch) encoded as PNG with pngjs:
 * two panels, axes, light grid, one polyline per series (Bresenham lines, 2 px wide).
 */
import { PNG } from 'pngjs';

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
  /** RGB colour. */
  readonly color: readonly [number, number, number];
}

const WIDTH = 800;
const PANEL_HEIGHT = 260;
const MARGIN = 30;

function plotPanel(png: PNG, top: number, series: readonly Series[]): void {
  const left = MARGIN;
  const right = WIDTH - MARGIN;
  const bottom = top + PANEL_HEIGHT - MARGIN;
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const span = hi - lo || 1;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const put = (x: number, y: number, c: readonly [number, number, number]): void => {
    if (x < 0 || y < 0 || x >= WIDTH || y >= png.height) return;
    const i = (y * WIDTH + x) * 4;
    png.data[i] = c[0];
    png.data[i + 1] = c[1];
    png.data[i + 2] = c[2];
    png.data[i + 3] = 255;
  };
  for (let g = 0; g <= 4; g++) {
    const y = Math.round(bottom - ((bottom - top - MARGIN / 2) * g) / 4);
    for (let x = left; x <= right; x++) put(x, y, g === 0 ? [0, 0, 0] : [225, 225, 225]);
  }
  for (let y = top + MARGIN / 2; y <= bottom; y++) put(left, Math.round(y), [0, 0, 0]);
  const xy = (i: number, v: number): [number, number] => [
    Math.round(left + ((right - left) * i) / (n - 1)),
    Math.round(bottom - ((v - lo) / span) * (bottom - top - MARGIN / 2)),
  ];
  for (const s of series) {
    for (let i = 1; i < s.values.length; i++) {
      let [x0, y0] = xy(i - 1, s.values[i - 1]!);
      const [x1, y1] = xy(i, s.values[i]!);
      const dx = Math.abs(x1 - x0);
      const dy = -Math.abs(y1 - y0);
      const sx = x0 < x1 ? 1 : -1;
      const sy = y0 < y1 ? 1 : -1;
      let err = dx + dy;
      for (;;) {
        put(x0, y0, s.color);
        put(x0, y0 + 1, s.color);
        if (x0 === x1 && y0 === y1) break;
        const e2 = 2 * err;
        if (e2 >= dy) {
          err += dy;
          x0 += sx;
        }
        if (e2 <= dx) {
          err += dx;
          y0 += sy;
        }
      }
    }
    for (let i = 0; i < s.values.length; i++) {
      const [x, y] = xy(i, s.values[i]!);
      for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) put(x + a, y + b, s.color);
    }
  }
}

/** PNG bytes: loss series in the top panel, accuracy series in the bottom one. */
export function renderCurvesPng(loss: readonly Series[], accuracy: readonly Series[]): Buffer {
  const png = new PNG({ width: WIDTH, height: PANEL_HEIGHT * 2 });
  png.data.fill(255);
  plotPanel(png, 0, loss);
  plotPanel(png, PANEL_HEIGHT, accuracy);
  return PNG.sync.write(png);
}
