/**
 * Indicators on the candle chart as a trader uses them, in Debian's Chromium
 * against the real engine served headless (issue 13): SMA 20 and RSI 14 added
 * from the chart's menu are drawn with the engine's library, stay after a reload,
 * and hovering the chart and its RSI pane logs no error. Screenshots land in
 * test-artifacts/screenshots/chart-indicators-*.png.
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

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `chart-indicators-${name}.png`) });
const chartIndicators = () => page.getAttribute('[data-testid="candle-chart"]', 'data-indicators');
/** the newest value the chart drew for one series ("SMA_20"), NaN while not ready */
const value = async (name: string) => Number(new RegExp(`(?:^| )${name}=(\\S+)`).exec((await chartIndicators()) ?? '')?.[1] ?? 'NaN');

async function signIn(): Promise<void> {
  if (await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).count()) return;
  if (await page.locator('input[name="api-key"]').count()) {
    await page.locator('input[name="api-key"]').fill(served.key);
    await page.click('button[type="submit"]');
  }
  await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
}

async function hoverChart(): Promise<void> {
  const box = (await page.locator('[data-testid="candle-chart"]').boundingBox())!;
  // across the price, the volume and the pane under them
  for (const y of [0.3, 0.7, 0.9]) for (let i = 1; i < 12; i++) await page.mouse.move(box.x + (box.width * i) / 12, box.y + box.height * y);
}

describe('indicators on the candle chart in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    assertChromium();
    mkdirSync(SHOTS, { recursive: true });
    webRoot = await buildRenderer();
    served = await startServe({ webRoot, speed: 20, timeoutMs: 120_000 });
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

  it('adds SMA 20 and RSI 14 from the chart menu; after a reload they are still there; hovering logs no error', async () => {
    await page.goto(`${served.url}/`);
    await signIn();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 30);
    await page.click('[data-testid="indicator-menu"] summary');
    await page.click('[data-add-indicator="sma"]');
    await page.click('[data-add-indicator="rsi"]');
    await expect.poll(() => value('SMA_20'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => value('RSI_14'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await value('RSI_14')).toBeLessThanOrEqual(100);
    // the SMA sits among the prices it averages
    const close = Number(await page.getAttribute('[data-testid="candle-chart"]', 'data-last-close'));
    expect(Math.abs((await value('SMA_20')) - close) / close).toBeLessThan(0.05);
    await page.click('[data-testid="indicator-menu"] summary');

    await page.reload();
    await signIn();
    await expect.poll(() => page.textContent('[data-testid="indicator-menu"] summary'), { timeout: 30_000 }).toBe('Indicators (2)');
    await expect.poll(() => value('SMA_20'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => value('RSI_14'), { timeout: 10_000 }).toBeGreaterThan(0);

    errors.length = 0;
    await hoverChart();
    await shot('1280x720-hover');
    await page.mouse.move(1, 1);
    await page.waitForTimeout(200);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('edits a parameter from the menu: the chart draws the new one', async () => {
    await signIn();
    await page.click('[data-testid="indicator-menu"] summary');
    await page.fill('[data-indicator-param="sma1.period"]', '50');
    await expect.poll(() => value('SMA_50'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await chartIndicators()).not.toContain('SMA_20');
    await page.click('[data-testid="indicator-menu"] summary');
  });

  it('holds overlays and two panes at 1024×768, 1280×720 and 1600×1000 without an error, the chart header whole', async () => {
    await signIn();
    await page.click('[data-testid="indicator-menu"] summary');
    await page.click('[data-add-indicator="bb"]');
    await page.click('[data-add-indicator="macd"]');
    await shot('menu');
    await page.click('[data-testid="indicator-menu"] summary');
    await expect.poll(() => value('MACD_12_26_9_line'), { timeout: 10_000 }).not.toBeNaN();
    errors.length = 0;
    for (const size of [
      { width: 1024, height: 768 },
      { width: 1280, height: 720 },
      { width: 1600, height: 1000 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      // the menu and the timeframes stay inside the chart's panel
      expect(await page.$$eval('.chart-panel .panel-head *', (els) => els.filter((e) => e.getBoundingClientRect().right > e.closest('.panel')!.getBoundingClientRect().right + 0.5).map((e) => e.className))).toEqual([]);
      await hoverChart();
      await page.mouse.move(1, 1);
      await page.waitForTimeout(200);
      await shot(`${size.width}x${size.height}`);
    }
    expect(errors).toEqual([]);
  });
});
