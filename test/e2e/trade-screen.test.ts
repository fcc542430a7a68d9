/**
 * The trade screen as a trader sees it at common window sizes, in Debian's
 * Chromium against the real engine served headless (issue 13): the kill switch
 * whole and clickable, both sides of the book, a chart that can be hovered and
 * dragged without one console error, numbers at the instrument's precision, and
 * a sign-in link pasted into a tab that already shows the sign-in page.
 * Screenshots land in test-artifacts/screenshots/trade-screen-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, buildRenderer } from './helpers/build.js';
import { type Browser, assertChromium, launchChromium } from './helpers/chromium.js';
import { ETH_BTC_SAMPLE, SAMPLE_FEED, type Served, startServe } from './helpers/serve.js';

const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1600, height: 1000 },
];

let webRoot: string;
let served: Served;
let browser: Browser;
let page: Page;
/** console errors and uncaught page errors since the page opened */
const errors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `trade-screen-${name}.png`) });

/** the rows of one side of the book a trader can see: inside the window and inside the book's scroll box */
async function visibleLevels(side: 'bid' | 'ask'): Promise<number> {
  return page.$$eval(`[data-testid="level-${side}"]`, (rows) => {
    const inside = (b: DOMRect, box: DOMRect | undefined) => box !== undefined && b.top >= box.top - 1 && b.bottom <= box.bottom + 1;
    return rows.filter((r) => {
      const b = r.getBoundingClientRect();
      // inside the book's scroll box, inside the side's own clip box (if any), inside the window
      return b.height > 0 && inside(b, r.closest('.panel-body')?.getBoundingClientRect()) && inside(b, (r.closest('.ladder-side') ?? r.closest('.panel-body'))?.getBoundingClientRect()) && b.bottom <= window.innerHeight;
    }).length;
  });
}

/** signed in whatever an earlier test left: each check below stands on its own */
async function ensureSignedIn(): Promise<void> {
  // a dialog an earlier failure left open would cover what this test clicks
  if (await page.locator('[data-testid="kill-confirm"]').count()) {
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="kill-confirm"]').waitFor({ state: 'detached' });
  }
  if (await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).count()) return;
  await page.goto(`${served.url}/`);
  await page.locator('input[name="api-key"]').fill(served.key);
  await page.click('button[type="submit"]');
  await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
}

// a browser and an engine on a machine shared with other work: generous limits, never a timing assertion
describe('the trade screen in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    assertChromium();
    mkdirSync(SHOTS, { recursive: true });
    webRoot = await buildRenderer();
    // a busy machine can take half a minute to start the engine
    served = await startServe({ webRoot, speed: 20, timeoutMs: 120_000, markets: [{ file: SAMPLE_FEED, symbol: 'BTC/USDT' }, { file: ETH_BTC_SAMPLE, symbol: 'ETH/BTC' }] });
    browser = await launchChromium({ width: 1280, height: 720 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (webRoot) rmSync(dirname(webRoot), { recursive: true, force: true });
  });

  it('a sign-in link pasted into the tab showing the sign-in page signs in, without a reload', async () => {
    await page.goto(`${served.url}/`);
    await page.locator('input[name="api-key"]').waitFor();
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    // the same page with only a new fragment: the browser does not reload it, as when the link is pasted
    await page.goto(served.signInLink);
    await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(page.url()).not.toContain('signin=');
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height} the kill switch is whole, on screen and clickable, and the book shows both sides`, async () => {
      await ensureSignedIn();
      await page.setViewportSize(size);
      await page.locator('[data-testid="level-bid"]').first().waitFor();
      await page.waitForTimeout(300);
      const kill = page.locator('[data-testid="kill-switch"]');
      const box = (await kill.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
      expect(box.y + box.height).toBeLessThanOrEqual(size.height);
      // its words are not cut: the button is as wide as its text, and nothing covers its middle
      expect(await kill.evaluate((el) => el.scrollWidth <= el.clientWidth && el.textContent === 'KILL SWITCH')).toBe(true);
      expect(await kill.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
      })).toBe(true);
      // nothing in the header is pushed off the right edge
      expect(await page.$$eval('.topbar *', (els) => els.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.className))).toEqual([]);
      expect(await visibleLevels('ask')).toBeGreaterThanOrEqual(5);
      expect(await visibleLevels('bid')).toBeGreaterThanOrEqual(5);
      await shot(`${size.width}x${size.height}`);
      await kill.click();
      await page.locator('[data-testid="kill-confirm"]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="kill-confirm"]').waitFor({ state: 'detached' });
    });
  }

  it('hovering and dragging on the candle chart logs no error and no policy violation', async () => {
    await ensureSignedIn();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 10);
    const box = (await page.locator('[data-testid="candle-chart"]').boundingBox())!;
    errors.length = 0;
    for (let i = 1; i < 20; i++) await page.mouse.move(box.x + (box.width * i) / 20, box.y + box.height * 0.4);
    await shot('chart-hover');
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await page.mouse.down();
    for (let i = 0; i < 10; i++) await page.mouse.move(box.x + box.width * (0.6 - i * 0.03), box.y + box.height * 0.4);
    await page.mouse.up();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.waitForTimeout(200);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('shows prices, quantities, balances and PnL at a sensible precision, never long raw decimals', async () => {
    await ensureSignedIn();
    // a market buy walks the book: its average price and the position's have long tails of digits
    await page.click('[role="radio"]:has-text("Market")');
    await page.fill('[data-ticket-field="quantity"]', '0.0123');
    await page.click('[data-testid="ticket-submit"]');
    await page.locator('.toast', { hasText: /Filled: Buy/ }).first().waitFor();
    const longDecimals = () => page.evaluate(() => document.body.innerText.match(/\d\.\d{9,}/g) ?? []);
    for (const tab of ['open', 'history', 'fills', 'positions', 'balances']) {
      await page.click(`[data-testid="tab-${tab}"]`);
      await page.waitForSelector('[data-grid]');
      await page.waitForTimeout(200);
      expect({ tab, found: await longDecimals() }).toEqual({ tab, found: [] });
    }
    for (const view of ['Portfolio', 'Risk']) {
      await page.click(`nav[aria-label="Views"] >> text=${view}`);
      await page.waitForTimeout(500);
      expect({ view, found: await longDecimals() }).toEqual({ view, found: [] });
    }
    await page.click('nav[aria-label="Views"] >> text=Trade');
  });

  it('shows both markets in the watchlist with a 24 h change; clicking one moves the chart, book, trades and ticket to it', async () => {
    await ensureSignedIn();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('[data-testid="ticker-ETH/BTC"]').waitFor();
    await expect.poll(() => page.textContent('[data-testid="change-BTC/USDT"]'), { timeout: 15_000 }).toMatch(/^[+-]?\d+\.\d\d %$/);
    // BTC/USDT is priced to 2 decimals, ETH/BTC to 8: the same chart relabels its price axis, it is not built again
    await expect.poll(() => page.getAttribute('[data-testid="candle-chart"]', 'data-price-label'), { timeout: 15_000 }).toMatch(/^\d{4,}\.\d\d$/);
    const chartBefore = await page.getAttribute('[data-testid="candle-chart"]', 'data-instance');
    const buildsBefore = await page.getAttribute('[data-testid="candle-chart"]', 'data-builds');
    await page.click('[data-testid="ticker-ETH/BTC"]');
    await page.locator('.chart-panel .panel-title', { hasText: 'ETH/BTC' }).waitFor();
    await expect.poll(() => page.getAttribute('[data-testid="candle-chart"]', 'data-price-label'), { timeout: 15_000 }).toMatch(/^0\.\d{8}$/);
    expect(await page.getAttribute('[data-testid="candle-chart"]', 'data-instance')).toBe(chartBefore);
    expect(await page.getAttribute('[data-testid="candle-chart"]', 'data-builds')).toBe(buildsBefore);
    // ETH/BTC trades near 0.09 BTC: every price on screen for the market is below 1
    await page.waitForFunction(() => {
      const close = Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.lastClose ?? 'NaN');
      return close > 0 && close < 1;
    });
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="level-bid"] >> nth=0', 'data-price')), { timeout: 10_000 }).toBeLessThan(1);
    await expect.poll(async () => Number(((await page.locator('.trades-panel td.price, .trades-panel .price').first().textContent()) ?? '').replace(/,/g, '')), { timeout: 10_000 }).toBeLessThan(1);
    // the replayed file (2018's prices) plays on this computer's clock, as the blotters are: the chart and trades say which data it is
    expect(await page.textContent('[data-testid="chart-clock"]')).toBe('REPLAY');
    expect(await page.getAttribute('[data-testid="chart-clock"]', 'title')).toMatch(/^Replay of ETH-BTC_1m_sample\.csv · data from 2018-01-20 – 2018-01-2\d, shown on this computer's clock$/);
    expect(await page.textContent('[data-testid="trades-clock"]')).toBe('TimeREPLAY');
    const lastCandle = Number(await page.getAttribute('[data-testid="candle-chart"]', 'data-last-ts'));
    expect(Math.abs(Date.now() - lastCandle)).toBeLessThan(5 * 60_000);
    expect(await page.textContent('.ticket-panel [data-size-mode="base"]')).toBe('ETH');
    expect(await page.textContent('.ticket-panel')).toContain('BTC');
    await shot('eth-btc');
    await page.click('[data-testid="ticker-BTC/USDT"]');
    await page.locator('.chart-panel .panel-title', { hasText: 'BTC/USDT' }).waitFor();
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="level-bid"] >> nth=0', 'data-price')), { timeout: 10_000 }).toBeGreaterThan(1000);
  });
});
