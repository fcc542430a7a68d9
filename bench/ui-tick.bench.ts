/**
 * Tick to screen, in Chromium against the real engine served headless: from
 * the moment a market data event arrives at the page (WebSocket message) to
 * the first task after the frame that drew it, for the ticker and for the
 * candle chart. Two rates: `serve`'s default replay (10 bars/s: ~40 ticker,
 * book and trade events a second each) and a stress rate (50 bars/s).
 * Budget (issue): p95 ≤ 50 ms.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRenderer } from '../test/e2e/helpers/build.js';
import { assertChromium, launchChromium } from '../test/e2e/helpers/chromium.js';
import { startServe } from '../test/e2e/helpers/serve.js';
import { emit } from './stats.js';
import { stats } from './ui/harness.js';

const SECONDS = 10;
const SPEEDS = [10, 50];

async function main() {
  assertChromium();
  const webRoot = await buildRenderer();
  try {
    for (const speed of SPEEDS) await measure(webRoot, speed);
  } finally {
    rmSync(dirname(webRoot), { recursive: true, force: true });
  }
}

async function measure(webRoot: string, speed: number) {
  const served = await startServe({ webRoot, speed });
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // the page's tick-to-screen probe is off unless asked for
    await page.addInitScript(() => localStorage.setItem('tern.diagnostics', '1'));
    await page.goto(served.signInLink);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 0, undefined, { timeout: 30_000 });
    await page.waitForTimeout(1_000);
    await page.evaluate(() => (window as unknown as { __ternDiagnostics: { reset(): void } }).__ternDiagnostics.reset());
    await page.waitForTimeout(SECONDS * 1000);
    const samples = await page.evaluate(() => (window as unknown as { __ternDiagnostics: { latency(): { ticker: number[]; chart: number[] } } }).__ternDiagnostics.latency());
    const t = stats(samples.ticker);
    const c = stats(samples.chart);
    emit({
      bench: 'ui-tick-to-screen',
      replay_bars_per_s: speed,
      seconds: SECONDS,
      ticker_samples: samples.ticker.length,
      ticker_p50_ms: t.p50,
      ticker_p95_ms: t.p95,
      ticker_max_ms: t.max,
      chart_samples: samples.chart.length,
      chart_p50_ms: c.p50,
      chart_p95_ms: c.p95,
      chart_max_ms: c.max,
      budget: { p95_ms: 50 },
    });
  } finally {
    await browser.close();
    await served.stop();
  }
}

main().catch((err: unknown) => {
  emit({ bench: 'ui-tick-to-screen', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
