/**
 * Trading on the candle chart (issue 13), in Debian's Chromium against the real
 * engine served headless: drag an order line with the mouse and the order's price
 * changes in the API; Esc during a drag leaves it; a refused amend springs back
 * and says why; × cancels; a drag from the position line places a take profit;
 * fills are marked on the candles; no page or console error while hovering and
 * dragging. Screenshots: test-artifacts/screenshots/chart-trading-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instrument, Order } from '../../src-common/contract/schemas.js';
import { ROOT, buildRenderer } from './helpers/build.js';
import { type Browser, assertChromium, launchChromium } from './helpers/chromium.js';
import { type Served, startServe } from './helpers/serve.js';

const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

let webRoot: string;
let served: Served;
let browser: Browser;
let page: Page;
let instrument: Instrument;
const errors: string[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${served.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${served.key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const inc = () => Number(instrument.price_increment);
const onStep = (p: number) => (Math.round(p / inc()) * inc()).toFixed(Math.max(0, instrument.price_increment.split('.')[1]?.length ?? 0));
const lastClose = async () => Number(await page.getAttribute('[data-testid="candle-chart"]', 'data-last-close'));

/**
 * A price half the price pane's height from the last price: far enough that a few seconds
 * of the slow replay do not reach it, and near enough that the pane's scale takes it in.
 * (Paper holds only USDT: the buys rest below the market, the buy stops above it.)
 */
async function awayFromMarket(direction: 'below' | 'above'): Promise<string> {
  const [top, bottom] = ((await page.getAttribute('[data-testid="candle-chart"]', 'data-price-range')) ?? '').split(' ').map(Number) as [number, number];
  const close = await lastClose();
  return onStep(close + (direction === 'below' ? -0.5 : 0.5) * (top - bottom));
}

/** the pixel row of an order's line: its × stands on it */
async function lineRow(id: string, price: string): Promise<{ x: number; y: number }> {
  // drawn at that price (the × moves with the draw that moves the line)
  await page.waitForFunction(([sel, at]) => (document.querySelector<HTMLElement>(sel!)?.dataset.orderLines ?? '').split(' ').includes(at!), ['[data-testid="candle-chart"]', `${id}@${Number(price)}`], { timeout: 10_000 });
  const cancel = page.locator(`[data-testid="line-cancel-${id}"]`);
  await cancel.waitFor({ state: 'visible', timeout: 10_000 }).catch(async (err: unknown) => {
    const chart = await page.evaluate(() => ({ ...document.querySelector<HTMLElement>('[data-testid="candle-chart"]')!.dataset }));
    throw new Error(`the line of ${id} is not on screen: ${JSON.stringify({ order: await orderOf(id), chart })}; ${String(err)}`);
  });
  const b = await cancel.boundingBox({ timeout: 5_000 }).catch(async () => {
    throw new Error(`the line of ${id} left the screen: ${JSON.stringify(await orderOf(id))}`);
  });
  if (!b) throw new Error(`the line of ${id} has no box`);
  const chart = (await page.locator('[data-testid="candle-chart"]').boundingBox())!;
  return { x: chart.x + chart.width * 0.5, y: b.y + b.height / 2 };
}

type Point = { x: number; y: number };

async function drag(at: Point | (() => Promise<Point>), dy: number, opts: { escape?: boolean } = {}): Promise<string | null> {
  // The replay keeps trading while the test reads a line's row: a new high or low
  // rescales the pane and moves the line a few pixels, so on a busy machine the
  // press can land off it (no drag starts). Read the row again and press again.
  for (let attempt = 1; ; attempt++) {
    const from = typeof at === 'function' ? await at() : at;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const started = await page
      .locator('[data-testid="drag-line"]')
      .waitFor({ state: 'attached', timeout: 2_000 })
      .then(() => true)
      .catch(() => false);
    if (!started && typeof at === 'function' && attempt < 4) {
      await page.mouse.up();
      continue;
    }
    for (let i = 1; i <= 8; i++) await page.mouse.move(from.x, from.y + (dy * i) / 8);
    break;
  }
  const shown = await page.getAttribute('[data-testid="drag-line"]', 'data-price');
  if (opts.escape) await page.keyboard.press('Escape');
  await page.mouse.up();
  return shown;
}

const orderOf = (id: string) => api<Order>('GET', `/orders/${id}`);

describe('trading on the candle chart in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    assertChromium();
    mkdirSync(SHOTS, { recursive: true });
    webRoot = await buildRenderer();
    // a slow replay: the price scale moves little while the mouse drags
    served = await startServe({ webRoot, speed: 0.5, timeoutMs: 120_000 });
    browser = await launchChromium({ width: 1280, height: 720 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.signInLink);
    await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 10, undefined, { timeout: 60_000 });
    instrument = (await api<Instrument[]>('GET', '/instruments?account=paper')).find((i) => i.symbol === 'BTC/USDT')!;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (webRoot) rmSync(dirname(webRoot), { recursive: true, force: true });
  });

  it('drags a buy line down with the mouse and the order rests at the snapped price shown; Esc leaves it where it is', async () => {
    const placed = await api<Order>('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.001', price: await awayFromMarket('below') });
    errors.length = 0;
    const shown = await drag(() => lineRow(placed.id, placed.price!), 20);
    expect(shown).not.toBeNull();
    expect(Number(shown)).toBeLessThan(Number(placed.price));
    // on the increment
    expect(Math.abs(Number(shown) / inc() - Math.round(Number(shown) / inc()))).toBeLessThan(1e-6);
    await expect.poll(async () => (await orderOf(placed.id)).price, { timeout: 10_000 }).toBe(shown);
    await page.locator('[data-testid="drag-line"]').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'chart-trading-1280x720.png') });

    // Esc during the drag: nothing is sent
    expect(await drag(() => lineRow(placed.id, shown!), 20, { escape: true })).not.toBeNull();
    expect(await page.locator('[data-testid="drag-line"]').count()).toBe(0);
    await page.waitForTimeout(500);
    expect((await orderOf(placed.id)).price).toBe(shown);
    expect(errors).toEqual([]);
  });

  it("a stop's line moves its trigger; a refused amend springs the line back and says why; × on a line cancels its order", async () => {
    const placed = await api<Order>('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'stop_market', quantity: '0.001', stop_price: await awayFromMarket('above') });
    errors.length = 0;
    // a waiting stop's line is its trigger: the drop amends stop_price
    const moved = await drag(() => lineRow(placed.id, placed.stop_price!), -20);
    expect(Number(moved)).toBeGreaterThan(Number(placed.stop_price));
    await expect.poll(async () => (await orderOf(placed.id)).stop_price, { timeout: 10_000 }).toBe(moved);
    await page.locator('[data-testid="drag-line"]').waitFor({ state: 'detached' });
    const stop = await orderOf(placed.id);
    // dragged below the market (a chart's height down, the stop stood half a pane above it): a buy stop there would trigger at once, so it is refused
    const chartHeight = (await page.locator('[data-testid="candle-chart"]').boundingBox())!.height;
    expect(await drag(() => lineRow(stop.id, stop.stop_price!), chartHeight)).not.toBeNull();
    const notice = page.locator('[data-testid="chart-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('would trigger immediately');
    expect(await page.locator('[data-testid="drag-line"]').count()).toBe(0);
    expect((await orderOf(stop.id)).stop_price).toBe(stop.stop_price);
    expect(await page.getAttribute('[data-testid="candle-chart"]', 'data-order-lines')).toContain(`${stop.id}@${Number(stop.stop_price)}`);

    await page.click(`[data-testid="line-cancel-${stop.id}"]`);
    await expect.poll(async () => (await orderOf(stop.id)).status, { timeout: 10_000 }).toBe('canceled');
    await page.locator(`[data-testid="line-cancel-${stop.id}"]`).waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('marks a fill on the candles, and a drag up from the position line places a take profit for the position', async () => {
    const bought = await api<Order>('POST', '/orders', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.002' });
    await expect.poll(async () => (await orderOf(bought.id)).status, { timeout: 10_000 }).toBe('filled');
    const fills = await api<Array<{ id: string; order_id: string; ts: string }>>('GET', '/fills?symbol=BTC/USDT');
    const fill = fills.find((f) => f.order_id === bought.id)!;
    await expect.poll(() => page.getAttribute('[data-testid="candle-chart"]', 'data-fills'), { timeout: 10_000 }).toContain(fill.id);
    // one clock: the fill's time on the blotter is in the candle its marker sits on (the candle forming when it filled)
    const candleTs = Number(((await page.getAttribute('[data-testid="candle-chart"]', 'data-fill-candles')) ?? '').split(' ').find((e) => e.startsWith(`${fill.id}@`))!.split('@')[1]);
    const filledAt = Date.parse(fill.ts);
    expect(filledAt - candleTs).toBeGreaterThanOrEqual(0);
    expect(filledAt - candleTs).toBeLessThan(60_000);
    await page.click('[data-testid="tab-fills"]');
    const shownTime = page.locator(`[data-grid="fills"] .ag-row[row-id="${fill.id}"] [col-id="ts"]`).first();
    await shownTime.waitFor();
    const local = await page.evaluate((ts) => new Date(ts).toLocaleTimeString(undefined, { hour12: false }), fill.ts);
    expect((await shownTime.textContent())?.trim()).toBe(local);
    const candleMinute = await page.evaluate((ts) => new Date(ts).toLocaleTimeString(undefined, { hour12: false }).slice(0, 5), candleTs);
    expect(local.slice(0, 5)).toBe(candleMinute);
    await page.click('[data-testid="tab-open"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="chart-trading"]')?.dataset.positionY !== undefined);
    errors.length = 0;
    const y = Number(await page.getAttribute('[data-testid="chart-trading"]', 'data-position-y'));
    const chart = (await page.locator('[data-testid="candle-chart"]').boundingBox())!;
    // well above the market: a take profit
    const shown = await drag({ x: chart.x + chart.width * 0.4, y: chart.y + y }, -45);
    expect(shown).not.toBeNull();
    const held = (await api<Array<{ symbol: string; quantity: string }>>('GET', '/positions')).find((p) => p.symbol === 'BTC/USDT')!.quantity;
    await expect
      .poll(async () => (await api<Order[]>('GET', '/orders?status=open&symbol=BTC/USDT')).filter((o) => o.role === 'take_profit').map((o) => [o.side, o.price, o.quantity]), { timeout: 10_000 })
      .toEqual([['sell', shown, held]]);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'chart-trading-1600x1000.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(errors).toEqual([]);
  });
});
