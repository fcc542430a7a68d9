/**
 * `npm run screenshot`: takes the README's picture, docs/screenshot.png (1600×1000), the one
 * way it is made: the real UI served headless on the bundled markets, a long BTC/USDT position
 * with its take profit and stop, a resting buy, SMA 20 and Bollinger on the price and RSI in a
 * pane — so the picture shows what the README says the screen does. Look at it after.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRenderer, ROOT } from '../test/e2e/helpers/build.js';
import { launchChromium } from '../test/e2e/helpers/chromium.js';
import { ETH_BTC_SAMPLE, SAMPLE_FEED, startServe } from '../test/e2e/helpers/serve.js';

const OUT = join(ROOT, 'docs', 'screenshot.png');
const SIZE = { width: 1600, height: 1000 };

async function main(): Promise<void> {
  const webRoot = await buildRenderer();
  // slow: the lines stay where they are put, the candles still move
  const served = await startServe({ webRoot, speed: 2, timeoutMs: 120_000, markets: [{ file: SAMPLE_FEED, symbol: 'BTC/USDT' }, { file: ETH_BTC_SAMPLE, symbol: 'ETH/BTC' }] });
  const browser = await launchChromium(SIZE);
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${served.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${served.key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(served.signInLink);
    const chart = '[data-testid="candle-chart"]';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLElement>(sel)?.dataset.candles ?? 0) > 100, chart, { timeout: 60_000 });

    // a long position with its exits, and a resting buy below the market
    const bought = await api<{ average_price: string }>('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.25' });
    const entry = Number(bought.average_price);
    await api('POST', '/positions/protect', { symbol: 'BTC/USDT', take_profit: { price: (entry * 1.006).toFixed(2) }, stop_loss: { stop_price: (entry * 0.995).toFixed(2) } });
    await api('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.1', price: (entry * 0.997).toFixed(2) });

    // indicators from the chart's menu, as a trader adds them
    await page.click('[data-testid="indicator-menu"] summary');
    for (const kind of ['sma', 'bb', 'rsi']) await page.click(`[data-add-indicator="${kind}"]`);
    await page.click('[data-testid="indicator-menu"] summary');
    await page.click('[data-testid="tab-positions"]');
    await page.waitForFunction((sel) => (document.querySelector<HTMLElement>(sel)?.dataset.orderLines ?? '').split(' ').filter(Boolean).length >= 3, chart, { timeout: 30_000 });
    // the toasts of the orders above fade; the candles fill in around the lines
    await page.waitForTimeout(8_000);
    for (const close of await page.locator('.toast-close').all()) await close.click({ timeout: 1_000 }).catch(() => undefined);
    await page.mouse.move(1, 1);
    await page.waitForTimeout(500);
    await page.screenshot({ path: OUT });
    process.stdout.write(`wrote ${OUT} (${SIZE.width}×${SIZE.height})\n`);
  } finally {
    await browser.close();
    await served.stop();
    rmSync(dirname(webRoot), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
