/**
 * The worker thread that draws charts (chart-renderer.ts starts it):
 *   1. loads vega-lite and vega once (ESM-only packages, hence import() in a worker of
 *      its own rather than in the CLI's CommonJS or under jest);
 *   2. per request: compiles the Vega-Lite spec to Vega, renders it to SVG headlessly
 *      (renderer "none": no browser, no canvas), and when asked rasterizes that SVG to
 *      PNG with resvg at the requested scale, using the system's fonts;
 *   3. answers { id, svg, png? } or { id, error }, never throwing out of the handler.
 */
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

export interface ChartRequest {
  readonly id: number;
  /** A Vega-Lite spec (plain JSON). */
  readonly spec: unknown;
  /** Also rasterize to PNG, `scale` device pixels per SVG pixel. */
  readonly png?: { readonly scale: number };
}

export type ChartResponse = { readonly id: number; readonly svg: string; readonly png?: Uint8Array } | { readonly id: number; readonly error: string };

const libraries = Promise.all([import('vega-lite'), import('vega')]);
libraries.catch(() => undefined); // a failed load reaches every request as its error

async function draw(req: ChartRequest): Promise<{ svg: string; png?: Uint8Array }> {
  const [vl, vega] = await libraries;
  const compiled = vl.compile(req.spec as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (!req.png) return { svg };
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: req.png.scale },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng();
    return { svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  } finally {
    view.finalize();
  }
}

const port = parentPort;
if (port) {
  port.on('message', (req: ChartRequest) => {
    draw(req).then(
      (out) => port.postMessage({ id: req.id, ...out } satisfies ChartResponse),
      (e: unknown) => port.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ChartResponse),
    );
  });
}
