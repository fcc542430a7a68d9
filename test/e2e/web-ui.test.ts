/**
 * The web UI end to end, in Debian's Chromium against the real engine served
 * headless (`src-main/headless.ts` as a child process, a replay feed, a fresh
 * data folder). Screenshots of each main screen land in test-artifacts/screenshots/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, buildRenderer } from './helpers/build.js';
import { type Browser, CHROMIUM_INSTALL, CHROMIUM_PATH, assertChromium, launchChromium } from './helpers/chromium.js';
import { type Served, startServe } from './helpers/serve.js';

const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

let webRoot: string;
let served: Served;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** rows of a blotter, as text per column id */
async function gridRows(grid: string): Promise<Array<Record<string, string>>> {
  return page.$$eval(`[data-grid="${grid}"] .ag-row`, (rows) =>
    rows.map((r) => Object.fromEntries([...r.querySelectorAll('.ag-cell')].map((c) => [c.getAttribute('col-id') ?? '', (c.textContent ?? '').trim()]))),
  );
}

async function waitForRows(grid: string, predicate: (rows: Array<Record<string, string>>) => boolean, what: string): Promise<Array<Record<string, string>>> {
  const deadline = Date.now() + 15_000;
  let rows: Array<Record<string, string>> = [];
  while (Date.now() < deadline) {
    rows = await gridRows(grid);
    if (predicate(rows)) return rows;
    await page.waitForTimeout(100);
  }
  await page.screenshot({ path: join(SHOTS, `failed-${what.replace(/\W+/g, '-')}.png`) });
  const toasts = await page.$$eval('.toast', (t) => t.map((x) => x.textContent));
  throw new Error(`${what}: the ${grid} blotter shows ${JSON.stringify(rows)}; toasts: ${JSON.stringify(toasts)}`);
}

async function openTab(id: string): Promise<void> {
  await page.click(`[data-testid="tab-${id}"]`);
  await page.waitForSelector(`[data-grid]`);
}

const bestBid = async () => {
  const text = await page.locator('[data-testid="level-bid"] .price').first().textContent();
  return Number((text ?? '').replace(/,/g, ''));
};

describe('web UI in Chromium against the real engine', () => {
  it(`needs ${CHROMIUM_PATH} (install: ${CHROMIUM_INSTALL})`, () => {
    assertChromium();
  });

  beforeAll(async () => {
    assertChromium();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    webRoot = await buildRenderer();
    served = await startServe({ webRoot, speed: 20 });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // record any refusal by the page's Content-Security-Policy
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

  it('asks for an API key in a password field, then signs in with it', async () => {
    await page.goto(`${served.url}/`);
    const field = page.locator('input[name="api-key"]');
    await field.waitFor();
    expect(await field.getAttribute('type')).toBe('password');
    await shot('01-sign-in');
    await field.fill(served.key);
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
    expect(await page.textContent('[data-testid="mode-badge"]')).toBe('PAPER');
    // the key lives in this tab's session storage only
    expect(await page.evaluate(() => [sessionStorage.getItem('tern.session') !== null, localStorage.getItem('tern.session')])).toEqual([true, null]);
  });

  it('shows the live candles move', async () => {
    const chart = page.locator('[data-testid="candle-chart"]');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="candle-chart"]')?.dataset.candles ?? 0) > 10);
    // the replay plays on this computer's clock: the candle forming now moves with every trade, a new one opens each minute
    const first = `${await chart.getAttribute('data-last-ts')} ${await chart.getAttribute('data-last-close')}`;
    await page.waitForFunction(
      (was) => {
        const el = document.querySelector<HTMLElement>('[data-testid="candle-chart"]');
        return `${el?.dataset.lastTs} ${el?.dataset.lastClose}` !== was;
      },
      first,
      { timeout: 10_000 },
    );
    expect(Number(await chart.getAttribute('data-last-ts'))).toBeGreaterThanOrEqual(Number(first.split(' ')[0]));
    expect(Math.abs(Date.now() - Number(await chart.getAttribute('data-last-ts')))).toBeLessThan(2 * 60_000);
    await page.locator('[data-testid="ticker-last"]').waitFor();
    await page.locator('[data-testid="level-bid"]').first().waitFor();
    await shot('02-market');
  });

  it('places a limit order from the ticket and sees it in the open-orders blotter', async () => {
    await openTab('open');
    const price = Math.floor((await bestBid()) * 0.95);
    await page.click('.side-buy');
    await page.click('[role="radio"]:has-text("Limit")');
    await page.fill('[data-ticket-field="quantity"]', '0.01');
    await page.fill('[data-ticket-field="price"]', String(price));
    await expect.poll(() => page.textContent('[data-testid="ticket-notional"]')).toContain('USDT');
    await page.click('[data-testid="ticket-submit"]');
    const rows = await waitForRows('open-orders', (r) => r.some((row) => row['price'] === price.toLocaleString('en-US')), 'the new limit order');
    expect(rows.find((r) => r['price'] === price.toLocaleString('en-US'))).toMatchObject({ side: 'Buy', type: 'Limit', quantity: '0.01', status: 'Open' });
    await shot('03-limit-order-open');
  });

  it('amends the open order inline', async () => {
    const cell = page.locator('[data-grid="open-orders"] .ag-row [col-id="price"]').first();
    const before = Number(((await cell.textContent()) ?? '').replace(/,/g, ''));
    const next = before - 100;
    await cell.dblclick();
    const editor = page.locator('[data-grid="open-orders"] .ag-cell-inline-editing input');
    await editor.waitFor();
    await editor.fill(String(next));
    await editor.press('Enter');
    await waitForRows('open-orders', (r) => r.length === 1 && r[0]!['price'] === next.toLocaleString('en-US'), 'the amended price');
  });

  it('cancels the open order', async () => {
    await page.click('[data-grid="open-orders"] [data-testid="cancel-order"]');
    await waitForRows('open-orders', (r) => r.length === 0, 'no open orders after the cancel');
    await openTab('history');
    await waitForRows('order-history', (r) => r.some((row) => row['status'] === 'Canceled'), 'the canceled order in the history');
  });

  it('places a market order and sees the fill, the position and the balance change', async () => {
    await page.click('[role="radio"]:has-text("Market")');
    await page.fill('[data-ticket-field="quantity"]', '0.02');
    await page.click('[data-testid="ticket-submit"]');
    // a market order may fill against several levels: fills arriving in one frame make one notification, and a
    // busy machine may split them over two, so the toast names the fill and the blotter checks the quantity
    await page.locator('.toast', { hasText: /Filled: Buy [\d.]+ BTC\/USDT/ }).first().waitFor();

    await openTab('fills');
    const sum = (rows: Array<Record<string, string>>) => rows.filter((r) => r['side'] === 'Buy').reduce((s, r) => s + Number(r['quantity']), 0);
    await waitForRows('fills', (r) => Math.abs(sum(r) - 0.02) < 1e-9, 'fills adding up to 0.02');
    await shot('04-fills');

    await openTab('positions');
    const positions = await waitForRows('positions', (r) => r.some((row) => row['symbol'] === 'BTC/USDT' && row['quantity'] === '0.02'), 'the BTC/USDT position');
    expect(positions[0]!['average_price']).not.toBe('—');
    await shot('05-positions');

    await openTab('balances');
    const balances = await waitForRows('balances', (r) => r.some((row) => row['asset'] === 'BTC' && row['total'] === '0.02'), 'the BTC balance');
    const usdt = balances.find((row) => row['asset'] === 'USDT');
    expect(Number(usdt!['total']!.replace(/,/g, ''))).toBeLessThan(100_000);
    await shot('06-balances');
  });

  it('keeps a README screenshot of the trade screen with a position open', async () => {
    await openTab('positions');
    await page.fill('[data-ticket-field="quantity"]', '');
    await page.click('[role="radio"]:has-text("Limit")');
    await page.click('[data-testid="level-bid"] >> nth=2');
    await page.fill('[data-ticket-field="quantity"]', '0.05');
    // a toast may time out before its close button is clicked: don't wait for it
    for (const close of await page.locator('.toast-close').all()) await close.click({ timeout: 1_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    await shot('00-trade-screen');
  });

  it('shows equity over time, risk and settings screens', async () => {
    await page.click('nav[aria-label="Views"] >> text=Portfolio');
    await page.locator('[data-testid="equity-chart"]').waitFor();
    await shot('07-portfolio');
    await page.click('nav[aria-label="Views"] >> text=Risk');
    await page.locator('[data-testid="risk-state"]').waitFor();
    expect(await page.textContent('[data-testid="risk-state"]')).toBe('ACTIVE');
    await shot('08-risk');
    await page.click('nav[aria-label="Views"] >> text=Trade');
  });

  it('shows the accounts and the API keys in Settings, and a live account in the warning colour', async () => {
    await page.click('nav[aria-label="Views"] >> text=Settings');
    await page.locator('[data-testid="accounts-table"]').waitFor();
    await page.locator('[data-testid="keys-table"]').waitFor();
    expect(await page.textContent('[data-testid="accounts-table"] [data-account="paper"]')).toContain('PAPER');
    // the browser is itself a client of the local API
    expect(await page.textContent('[data-testid="local-api-web"]')).toContain(served.url);
    await shot('09-settings');
    await page.click('[data-testid="add-account"]');
    await page.click('[data-testid="account-mode-live"]');
    await page.locator('.live-warning').waitFor();
    expect(await page.getAttribute('input[name="api-secret"]', 'type')).toBe('password');
    expect(await page.isDisabled('[data-testid="account-submit"]')).toBe(true);
    await shot('12-settings-add-live-account');
    await page.click('[data-testid="account-form"] >> text=Cancel');
  });

  it('runs a short backtest of sma-cross on the bundled sample and shows its metrics and equity curve', async () => {
    await page.click('nav[aria-label="Views"] >> text=Backtest');
    await page.locator('[data-testid="backtest-form"] [name="param-fast"]').waitFor();
    expect(await page.inputValue('[data-testid="backtest-form"] [name="data"]')).toBe('BTC-USDT_1m_sample.csv');
    expect(await page.inputValue('[data-testid="backtest-form"] [name="strategy"]')).toBe('sma-cross');
    await page.click('[data-testid="backtest-start"]');
    await page.locator('[data-testid="run-detail"][data-run="bt-1"][data-status="done"] [data-testid="metrics-table"]').waitFor({ timeout: 30_000 });
    const metric = (name: string) => page.textContent(`[data-testid="metrics-table"] [data-metric="${name}"] td`);
    expect(await metric('bars')).toBe('4,320');
    expect(Number(await metric('trades'))).toBeGreaterThan(0);
    expect(await metric('final_equity')).toMatch(/^[\d,]+\.\d\d USDT$/);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="backtest-equity-chart"]')?.dataset.points ?? 0) > 100);
    expect(Number(await page.getAttribute('[data-testid="backtest-trades-chart"]', 'data-trades'))).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="trade-list"] tbody tr').count()).toBeGreaterThan(0);
    await shot('13-backtest');
    await page.locator('[data-testid="backtest-trades-chart"]').scrollIntoViewIfNeeded();
    await shot('13-backtest-trades');
  });

  it('compares two backtests side by side', async () => {
    await page.fill('[data-testid="backtest-form"] [name="param-fast"]', '5');
    await page.fill('[data-testid="backtest-form"] [name="param-slow"]', '20');
    await page.click('[data-testid="backtest-start"]');
    // the second run of this session (the first stays on screen until the start is answered)
    await page.locator('[data-testid="run-detail"][data-run="bt-2"][data-status="done"] [data-testid="metrics-table"]').waitFor({ timeout: 30_000 });
    for (const box of await page.locator('[data-testid="compare-run"]').all()) await box.check();
    await page.click('[data-testid="compare-tab"]');
    await page.locator('[data-testid="compare-table"]').waitFor();
    expect(await page.locator('[data-testid="compare-table"] thead th').count()).toBe(3);
    await page.waitForFunction(() => (document.querySelector<HTMLElement>('[data-testid="backtest-compare-chart"]')?.dataset.runs ?? '').split(',').length === 2);
    await shot('14-backtest-compare');
  });

  it('shows the strategies that can run, with their parameters', async () => {
    await page.click('nav[aria-label="Views"] >> text=Strategies');
    await page.locator('[data-testid="strategy-form"] [name="param-fast"]').waitFor();
    expect(await page.locator('[data-testid="strategy-form"] select[name="strategy"] option').allTextContents()).toEqual(expect.arrayContaining(['sma-cross', 'rsi-reversion', 'grid']));
    await shot('15-strategies');
    await page.click('nav[aria-label="Views"] >> text=Trade');
  });

  it('closes the position from the blotter, after a confirmation', async () => {
    await openTab('positions');
    await page.click('[data-grid="positions"] [data-testid="close-position"]');
    await page.locator('[data-testid="close-confirm"]').waitFor();
    await page.click('[data-testid="close-confirm"]');
    await waitForRows('positions', (r) => r.every((row) => row['quantity'] === '0'), 'a flat position');
  });

  it('trips the kill switch (with a confirmation) and shows HALTED', async () => {
    await page.keyboard.press('Control+Shift+K');
    await page.locator('[data-testid="kill-confirm"]').waitFor();
    // the safe choice has the focus: a stray Enter cancels nothing and halts nothing
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await shot('10-kill-switch-confirm');
    await page.click('[data-testid="kill-confirm"]');
    await page.locator('[data-testid="trading-state"]', { hasText: 'HALTED' }).waitFor();
    expect(await page.textContent('[data-testid="ticket-submit"]')).toContain('HALTED');
    await shot('11-halted');
  });

  it('a sign-in link signs a fresh tab in once with an expiring session key, refused the second time; signing out revokes the key', async () => {
    const keys = async () => (await (await fetch(`${served.url}/api/v1/keys`, { headers: { authorization: `Bearer ${served.key}` } })).json()) as Array<{ name: string; expires_at: string | null }>;
    const second = await browser.context.newPage();
    await second.goto(served.signInLink);
    await second.locator('[data-testid="connection-state"]', { hasText: 'Connected' }).waitFor();
    // the one-time token leaves the address bar at once
    expect(second.url()).not.toContain('signin=');
    const third = await browser.context.newPage();
    await third.goto(served.signInLink);
    await third.locator('.signin-message', { hasText: 'already used or has expired' }).waitFor();
    await third.close();

    // a session key, not a permanent admin key: it expires in 12 h, and Settings says so
    const sessions = (await keys()).filter((k) => k.name.startsWith('web session'));
    expect(sessions).toHaveLength(1);
    expect(Date.parse(sessions[0]!.expires_at!) - Date.now()).toBeGreaterThan(11 * 3600_000);
    await second.click('nav[aria-label="Views"] >> text=Settings');
    await second.locator('[data-testid="keys-table"]').waitFor();
    expect(await second.locator('[data-testid="key-expires"]').allTextContents()).toContain('never');
    expect((await second.locator('[data-testid="key-expires"]').allTextContents()).some((t) => /^\d{4}-\d\d-\d\d /.test(t))).toBe(true);

    await second.click('header >> text=Sign out');
    await second.locator('.signin-message', { hasText: 'Signed out' }).waitFor();
    expect((await keys()).filter((k) => k.name.startsWith('web session'))).toEqual([]);
    await second.close();
  });

  it('ran without a single Content-Security-Policy violation', async () => {
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });
});
