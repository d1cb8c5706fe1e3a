/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * report.html as a person sees it: headless Chromium (Debian's `chromium`, driven by
 * puppeteer-core) loads the report of a real run of the built CLI that was interrupted
 * and resumed:
 *   1. session 1 (2 thread replicas, --checkpoint-dir, --log-dir) gets SIGTERM after its
 *      second epoch: it checkpoints, writes a "stopped early" report and exits 143;
 *   2. session 2 (the same command) resumes from the checkpoint; while it runs the page
 *      reloads itself and already shows the epochs from before the resume;
 *   3. in the final page: no "[object" anywhere, one chart per metric (drawn SVG with
 *      titled axes and a tick per epoch), every epoch 1..N in the table, both sessions,
 *      placement spelled out, the model summary and the git commit, no reload.
 * Screenshots of the live and final report.html and of curves.png go to
 * $REPORT_SHOTS_DIR (default <tmp>/report-shots) for people to look at.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { METRIC_CHARTS } from '../src/report/chart-specs';
import { killAll, requireBuiltCli, spawnCli, tempDir, waitFor, type Proc } from './cluster-helpers';
import { SAMPLE_DIR } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const EPOCHS = 6;
const INTERRUPT_AFTER = 2; // epochs finished before the SIGTERM
const SHOTS = process.env.REPORT_SHOTS_DIR ?? join(tmpdir(), 'report-shots');

const available = existsSync(CHROMIUM);
if (!available)
  process.stderr.write(`skipping the report.html browser test: ${CHROMIUM} is missing (apt-get install chromium; tools/scripts/install.sh does)\n`);

const epochsIn = (metrics: string): number[] =>
  existsSync(metrics)
    ? readFileSync(metrics, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { epoch: number }).epoch)
    : [];

async function exitOf(p: Proc): Promise<number | null> {
  const e = await p.exited;
  return e.code;
}

/** What the test reads off a loaded report page. */
interface PageFacts {
  text: string;
  refresh: boolean;
  charts: { metric: string; width: number; texts: string[] }[];
  epochs: string[];
  sessions: string[][];
  run: Record<string, string>;
}

function readPage(page: Page): Promise<PageFacts> {
  return page.evaluate(() => {
    const cells = (tr: Element): string[] => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim());
    const tables = [...document.querySelectorAll('h2')].reduce<Record<string, Element | null>>((a, h) => {
      a[(h.textContent ?? '').trim()] = h.nextElementSibling?.tagName === 'TABLE' ? h.nextElementSibling : (h.nextElementSibling?.nextElementSibling ?? null);
      return a;
    }, {});
    return {
      text: document.body.innerText,
      refresh: document.querySelector('meta[http-equiv="refresh"]') !== null,
      charts: [...document.querySelectorAll('figure.chart')].map((f) => ({
        metric: (f as HTMLElement).dataset.metric ?? '',
        width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
        texts: [...f.querySelectorAll('svg text')].map((t) => (t.textContent ?? '').trim()),
      })),
      epochs: [...(tables.Epochs?.querySelectorAll('tbody tr') ?? [])].map((tr) => cells(tr)[0] ?? ''),
      sessions: [...(tables.Sessions?.querySelectorAll('tbody tr') ?? [])].map(cells),
      run: Object.fromEntries(
        [...(tables.Run?.querySelectorAll('tr') ?? [])].map((tr) => [
          (tr.querySelector('th')?.textContent ?? '').trim(),
          (tr.querySelector('td')?.textContent ?? '').trim(),
        ]),
      ),
    };
  });
}

(available ? describe : describe.skip)('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await killAll();
  });

  it('shows the whole history of an interrupted and resumed run, one chart per metric, nothing unprinted', async () => {
    requireBuiltCli();
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('report-browser');
    const logs = join(dir, 'logs');
    const metrics = join(logs, 'metrics.jsonl');
    const html = join(logs, 'report.html');
    const args = ['train', '--data', SAMPLE_DIR, '--replicas', '2', '--global-batch', '32', '--seed', '7', '--epochs', String(EPOCHS)];
    const run = [...args, '--checkpoint-dir', join(dir, 'ckpt'), '--log-dir', logs, '--log-every', '10', '--timeout-ms', '60000'];

    const first = spawnCli('session 1', run, {});
    await waitFor(`${INTERRUPT_AFTER} epochs in ${metrics}`, () => epochsIn(metrics).length >= INTERRUPT_AFTER || first.exit !== undefined, 120_000, 50);
    expect(first.exit).toBeUndefined(); // still training: the SIGTERM interrupts it
    first.child.kill('SIGTERM');
    expect(await exitOf(first)).toBe(143);
    expect(first.stderr).toMatch(/preempted by SIGTERM/);
    const before = epochsIn(metrics);
    expect(before.length).toBeGreaterThanOrEqual(INTERRUPT_AFTER);
    expect(before.length).toBeLessThan(EPOCHS);
    expect(readFileSync(html, 'utf8')).toContain('Stopped early by a signal');

    const second = spawnCli('session 2', run, {});
    let live = '';
    await waitFor(
      'the live report of session 2',
      () => {
        const page = existsSync(html) ? readFileSync(html, 'utf8') : '';
        if (page.includes('http-equiv="refresh"') && page.includes('yes, at epoch')) live = page;
        return live !== '' || second.exit !== undefined;
      },
      120_000,
      20,
    );
    expect(await exitOf(second)).toBe(0);
    expect(second.stderr).toMatch(/restored .*ckpt-/);
    expect(epochsIn(metrics)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));

    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewport({ width: 1280, height: 900 });

    // The live page of session 2: reloads itself and already holds the epochs before the resume.
    expect(live).not.toBe('');
    const liveFile = join(SHOTS, 'report-live.html');
    writeFileSync(liveFile, live);
    await page.goto(`file://${liveFile}`, { waitUntil: 'load' });
    const livePage = await readPage(page);
    expect(livePage.refresh).toBe(true);
    expect(livePage.epochs.slice(0, INTERRUPT_AFTER)).toEqual(['1', '2']);
    expect(livePage.text).toMatch(/This page reloads every \d+ s/);
    await page.screenshot({ path: join(SHOTS, 'report-live.png'), fullPage: true });

    await page.goto(`file://${html}`, { waitUntil: 'load' });
    const final = await readPage(page);
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(final.text).not.toContain('[object');
    expect(final.refresh).toBe(false);
    expect(final.charts.map((c) => c.metric)).toEqual(METRIC_CHARTS.map((m) => m.key));
    for (const c of final.charts) {
      expect(c.width).toBeGreaterThan(200);
      expect(c.texts).toContain('epoch'); // the x axis title
      for (let e = 1; e <= EPOCHS; e++) expect(c.texts).toContain(String(e)); // a tick per epoch
    }
    const loss = final.charts.find((c) => c.metric === 'loss')!;
    expect(loss.texts).toEqual(expect.arrayContaining(['Loss', 'training', 'validation', 'loss (cross-entropy)']));
    expect(final.epochs).toEqual(Array.from({ length: EPOCHS }, (_, i) => String(i + 1)));
    expect(final.sessions.map((s) => s[4])).toEqual(['preempted', 'finished']);
    expect(final.sessions[1]![1]).toBe(String(before.length + 1));
    expect(final.run.replicas).toBe('2 replicas on 1 worker (threads)');
    expect(final.run.model).toMatch(/^mlp: \d+ layers, 101,770 parameters$/);
    expect(final.run.command).toContain(`--epochs ${EPOCHS}`);
    expect(final.run.resumed).toMatch(/^yes, at epoch \d+ \(2 sessions/);
    expect(final.run['git commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(final.text).toMatch(/Finished: 6 of 6 epochs/);

    // curves.png on its own, as a browser shows the file.
    copyFileSync(join(logs, 'curves.png'), join(SHOTS, 'curves.png'));
    await page.goto(`file://${join(logs, 'curves.png')}`, { waitUntil: 'load' });
    const size = await page.evaluate(() => {
      const img = document.querySelector('img');
      return img ? [img.naturalWidth, img.naturalHeight] : [0, 0];
    });
    expect(size[0]).toBeGreaterThan(1000);
    expect(size[1]).toBeGreaterThan(400);
    await page.screenshot({ path: join(SHOTS, 'curves-in-chromium.png'), fullPage: true });
    process.stderr.write(`report screenshots: ${SHOTS}\n`);
  }, 300_000);
});
