/**
 * The position row's actions in Debian's Chromium against the real headless
 * engine (issue 13): a position opened through the API, half of it closed from
 * the row (the engine's position halves), then protected from the row with a
 * take profit and a stop (both exits are open on the engine, sized to what is
 * left). Screenshots at 1280×720 land in test-artifacts/screenshots/positions-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, buildRenderer } from './helpers/build.js';
import { type Browser, assertChromium, launchChromium } from './helpers/chromium.js';
import { type Served, startServe } from './helpers/serve.js';

const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

let webRoot: string;
let served: Served;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `positions-${name}.png`) });

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${served.url}/api/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${served.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Pos { symbol: string; quantity: string; mark_price: string | null }
interface Ord { id: string; side: string; type: string; quantity: string; price: string | null; stop_price: string | null; role: string | null; status: string }

/** the dialog closes when the engine took the action; a refusal it shows instead fails the test with its reason */
async function dialogOutcome(confirmId: string): Promise<void> {
  const outcome = async () => {
    const refusal = page.locator('[data-testid="position-action-error"]');
    if (await refusal.count()) return (await refusal.textContent()) ?? 'refused';
    return (await page.locator(`[data-testid="${confirmId}"]`).count()) === 0 ? 'done' : 'waiting';
  };
  await expect.poll(outcome, { timeout: 90_000 }).toBe('done');
}

const btcPosition = async () => (await api<Pos[]>('GET', 'positions?account=paper&symbol=BTC/USDT')).find((p) => p.symbol === 'BTC/USDT');

describe('position row actions in Chromium', { timeout: 400_000 }, () => {
  beforeAll(async () => {
    assertChromium();
    mkdirSync(SHOTS, { recursive: true });
    webRoot = await buildRenderer();
    served = await startServe({ webRoot, speed: 20, timeoutMs: 120_000 });
    browser = await launchChromium({ width: 1280, height: 720 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // 2 shared cores can hold a frame for seconds: waits are long, nothing here is timed
    page.setDefaultTimeout(90_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.url}/`);
    await page.locator('input[name="api-key"]').fill(served.key);
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (webRoot) rmSync(dirname(webRoot), { recursive: true, force: true });
  });

  it('closes 50 % from the row: the engine’s position halves', async () => {
    // the replay needs a book before a market order can fill
    await page.locator('[data-testid="level-bid"]').first().waitFor();
    const filled = await api<Ord>('POST', 'orders', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.02' });
    expect(filled.status).toBe('filled');
    await expect.poll(async () => (await btcPosition())?.quantity, { timeout: 60_000 }).toBe('0.02');
    await page.click('[data-testid="tab-positions"]');
    await page.locator('[data-grid="positions"] [data-testid="close-position-50"]').click();
    await page.locator('[data-testid="close-confirm"]').waitFor();
    expect(await page.textContent('[data-testid="position-action"]')).toContain('Sell 0.01 BTC at market (reduce-only) on paper: 50 % of the long of 0.02 BTC');
    await shot('close-50-confirm');
    await page.click('[data-testid="close-confirm"]');
    await dialogOutcome('close-confirm');
    await expect.poll(async () => (await btcPosition())?.quantity, { timeout: 60_000 }).toBe('0.01');
    // the row follows the engine
    await expect.poll(() => page.textContent('[data-grid="positions"] [col-id="quantity"].ag-cell'), { timeout: 60_000 }).toBe('0.01');
  });

  it('protects from the row with a take profit and a stop: both exits open on the engine, sized to the position', async () => {
    const mark = Number((await btcPosition())!.mark_price);
    const tp = (Math.round(mark * 1.05 * 100) / 100).toFixed(2);
    const sl = (Math.round(mark * 0.95 * 100) / 100).toFixed(2);
    await page.locator('[data-grid="positions"] [data-testid="protect-position"]').click();
    await page.locator('[data-testid="protect-confirm"]').waitFor();
    expect(await page.textContent('[data-testid="protect-held-by"]')).toContain('Held by exchange');
    await page.fill('.position-action-dialog input[name="take_profit"]', tp);
    await page.fill('.position-action-dialog input[name="stop_price"]', sl);
    await shot('protect-form');
    await page.click('[data-testid="protect-confirm"]');
    await dialogOutcome('protect-confirm');
    await page.locator('.toast', { hasText: 'Protected BTC/USDT' }).first().waitFor();
    const exits = async () =>
      (await api<Ord[]>('GET', 'orders?status=open&symbol=BTC/USDT'))
        .filter((o) => o.role === 'take_profit' || o.role === 'stop_loss')
        .map((o) => ({ role: o.role, side: o.side, quantity: o.quantity, at: Number(o.role === 'take_profit' ? o.price : o.stop_price) }))
        .sort((a, b) => String(a.role).localeCompare(String(b.role)));
    await expect.poll(exits, { timeout: 60_000 }).toEqual([
      { role: 'stop_loss', side: 'sell', quantity: '0.01', at: Number(sl) },
      { role: 'take_profit', side: 'sell', quantity: '0.01', at: Number(tp) },
    ]);
    // and the trader sees them in the open orders
    await page.click('[data-testid="tab-open"]');
    // a row is drawn once per pinned section: count the orders by row id
    const rowIds = () => page.$$eval('[data-grid="open-orders"] .ag-row[row-id]', (rows) => new Set(rows.map((r) => r.getAttribute('row-id'))).size);
    await expect.poll(rowIds, { timeout: 60_000 }).toBe(2);
    await shot('protected');
    expect(errors).toEqual([]);
  });
});
