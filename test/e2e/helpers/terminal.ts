import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT, buildRenderer } from './build.js';
import { assertChromium, launchChromium } from './chromium.js';
import { SAMPLE_FEED, type Served, startServe } from './serve.js';

export const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

/** a price on the 0.01 grid, `factor` times `from` */
export const at = (from: number, factor: number) => (Math.round(from * factor * 100) / 100).toFixed(2);

/** the trade screen signed in over BTC/USDT on paper, in Chromium at 1280×720 */
export interface Terminal {
  page: Page;
  served: Served;
  /** console errors and page errors, as they come */
  errors: string[];
  /** Tern's REST API with the served key: a read must answer 200, a write (`init`) any 2xx */
  api<T>(path: string, init?: { method: string; body: unknown }): Promise<T>;
  close(): Promise<void>;
}

/** builds the renderer, serves the engine headless on a BTC/USDT replay at `speed`, and signs in through the form */
export async function openTerminal(opts: { speed: number }): Promise<Terminal> {
  assertChromium();
  mkdirSync(SHOTS, { recursive: true });
  const webRoot = await buildRenderer();
  const served = await startServe({ webRoot, speed: opts.speed, timeoutMs: 120_000, markets: [{ file: SAMPLE_FEED, symbol: 'BTC/USDT' }] });
  const browser = await launchChromium({ width: 1280, height: 720 });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${served.url}/`);
  await page.locator('input[name="api-key"]').fill(served.key);
  await page.click('button[type="submit"]');
  await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
  await page.locator('[data-testid="level-bid"]').first().waitFor();
  return {
    page,
    served,
    errors,
    async api<T>(path: string, init?: { method: string; body: unknown }): Promise<T> {
      const res = await fetch(`${served.url}/api/v1/${path}`, {
        method: init?.method ?? 'GET',
        headers: { authorization: `Bearer ${served.key}`, ...(init ? { 'content-type': 'application/json' } : {}) },
        ...(init ? { body: JSON.stringify(init.body) } : {}),
      });
      if (init) expect(res.status).toBeLessThan(300);
      else expect(res.status).toBe(200);
      return (await res.json()) as T;
    },
    async close() {
      await browser.close();
      await served.stop();
      rmSync(dirname(webRoot), { recursive: true, force: true });
    },
  };
}
