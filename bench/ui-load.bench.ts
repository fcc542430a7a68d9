/**
 * The web mode's weight and first load: the renderer bundle (what the page
 * loads first, and the chunks it loads later, raw and gzipped), then cold
 * loads in Chromium (a fresh profile each) of `npm run serve`'s page, signed
 * in: time to the first contentful paint, to live market data on screen, and
 * to the first candles drawn.
 */
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildRenderer } from '../test/e2e/helpers/build.js';
import { assertChromium, launchChromium } from '../test/e2e/helpers/chromium.js';
import { startServe } from '../test/e2e/helpers/serve.js';
import { emit } from './stats.js';
import { stats } from './ui/harness.js';

const LOADS = 5;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** what index.html pulls in before anything runs: its script, modulepreloads and stylesheets */
function initialAssets(root: string): Set<string> {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  return new Set([...html.matchAll(/(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)].map((m) => join(root, m[1]!)));
}

function bundleReport(root: string) {
  const initial = initialAssets(root);
  const kb = (n: number) => Math.round(n / 102.4) / 10;
  const sum = { initial_raw: 0, initial_gzip: 0, lazy_raw: 0, lazy_gzip: 0, js_raw: 0, css_raw: 0 };
  const chunks: Record<string, number> = {};
  for (const f of files(root)) {
    if (!/\.(js|css)$/.test(f)) continue;
    const buf = readFileSync(f);
    const gz = gzipSync(buf, { level: 9 }).length;
    const first = initial.has(f);
    sum[first ? 'initial_raw' : 'lazy_raw'] += buf.length;
    sum[first ? 'initial_gzip' : 'lazy_gzip'] += gz;
    sum[f.endsWith('.js') ? 'js_raw' : 'css_raw'] += buf.length;
    chunks[f.slice(root.length + 1).replace(/-[\w-]{8}\./, '.')] = kb(buf.length);
  }
  return {
    initial_kb: kb(sum.initial_raw),
    initial_gzip_kb: kb(sum.initial_gzip),
    lazy_kb: kb(sum.lazy_raw),
    lazy_gzip_kb: kb(sum.lazy_gzip),
    total_js_kb: kb(sum.js_raw),
    total_css_kb: kb(sum.css_raw),
    chunks_kb: chunks,
  };
}

async function main() {
  assertChromium();
  const webRoot = await buildRenderer();
  emit({ bench: 'ui-bundle', ...bundleReport(webRoot) });

  const served = await startServe({ webRoot, speed: 10 });
  const marks: Record<'fcp' | 'ticker' | 'candles' | 'blotter', number[]> = { fcp: [], ticker: [], candles: [], blotter: [] };
  try {
    for (let i = 0; i < LOADS; i++) {
      const browser = await launchChromium();
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        // signed in already (the key in this tab's session), so the load is the terminal itself
        await page.addInitScript(`sessionStorage.setItem('tern.session', ${JSON.stringify(JSON.stringify({ key: served.key, minted: false }))})`);
        // milestones, polled every frame from navigation start (a string: the page's scope, not this file's)
        await page.addInitScript(`(() => {
          const m = {};
          window.__loadMarks = m;
          const check = () => {
            const now = performance.now();
            if (!m.ticker && /\\d/.test(document.querySelector('[data-testid="ticker-last"]')?.textContent ?? '')) m.ticker = now;
            if (!m.candles && Number(document.querySelector('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 0) m.candles = now;
            if (!m.blotter && document.querySelector('[data-grid="open-orders"] .ag-header-cell')) m.blotter = now;
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            if (paint) m.fcp = paint.startTime;
            if (m.ticker && m.candles && m.blotter && m.fcp) m.done = true;
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        })()`);
        await page.goto(`${served.url}/`);
        await page.waitForFunction(() => (window as unknown as { __loadMarks?: { done?: boolean } }).__loadMarks?.done === true, undefined, { timeout: 30_000 });
        const m = await page.evaluate(() => (window as unknown as { __loadMarks: Record<'fcp' | 'ticker' | 'candles' | 'blotter', number> }).__loadMarks);
        for (const k of ['fcp', 'ticker', 'candles', 'blotter'] as const) marks[k].push(m[k]);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await served.stop();
    rmSync(dirname(webRoot), { recursive: true, force: true });
  }
  const p50 = (k: keyof typeof marks) => stats(marks[k]).p50;
  const max = (k: keyof typeof marks) => stats(marks[k]).max;
  emit({
    bench: 'ui-first-load',
    loads: LOADS,
    cache: 'cold (fresh profile each load)',
    first_contentful_paint_p50_ms: p50('fcp'),
    live_ticker_p50_ms: p50('ticker'),
    candles_drawn_p50_ms: p50('candles'),
    blotter_shown_p50_ms: p50('blotter'),
    all_ready_max_ms: Math.max(max('ticker'), max('candles'), max('blotter')),
  });
}

main().catch((err: unknown) => {
  emit({ bench: 'ui-load', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
